import { randomUUID } from "node:crypto";
import { z } from "zod";
import { hashPassword } from "../auth/passwords";
import { endCredentialsOf } from "../auth/sessions";
import { AppError, conflictOnUnique } from "../errors";
import { getTenantGroup } from "../tenancy/groups";
import type { UserScope } from "./scope";

const ZEmail = z.string().trim().toLowerCase().email("must be an email address").max(254);
const ZPassword = z.string().min(10, "at least 10 characters").max(256, "at most 256 characters");
const ZName = z.string().trim().min(1, "is required").max(120);
const ZProfile = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a profile name");

export const ZCreateUserSchema = z.object({
  email: ZEmail,
  name: ZName,
  password: ZPassword,
  profiles: z.array(ZProfile).max(20).default([]),
  /** Platform scope only: the tenant the profiles are given in. */
  tenantId: z.string().uuid().optional(),
  isPlatformAdmin: z.boolean().default(false),
});
export const ZUpdateUserSchema = z.object({
  id: z.string().uuid(),
  email: ZEmail.optional(),
  name: ZName.optional(),
  password: ZPassword.optional(),
  isPlatformAdmin: z.boolean().optional(),
});
export const ZSearchUsersSchema = z.object({
  query: z.string().trim().max(120).optional(),
  /** Platform scope only: members of this tenant. */
  tenantId: z.string().uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).default(0),
});
export const ZProfileChangeSchema = z.object({
  userId: z.string().uuid(),
  profile: ZProfile,
  /** Platform scope only. */
  tenantId: z.string().uuid().optional(),
});

const userSelect = {
  id: true,
  email: true,
  name: true,
  isPlatformAdmin: true,
  createdAt: true,
  updatedAt: true,
  memberships: { select: { tenantId: true, profiles: true, tenant: { select: { name: true, group: true } } } },
} as const;

type UserRow = {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
  createdAt: Date;
  updatedAt: Date;
  memberships: { tenantId: string; profiles: string[]; tenant: { name: string; group: string } | null }[];
};

function present(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isPlatformAdmin: u.isPlatformAdmin,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
    memberships: u.memberships.map((m) => ({
      tenantId: m.tenantId,
      tenantName: m.tenant?.name ?? null,
      group: m.tenant?.group ?? null,
      profiles: m.profiles,
    })),
  };
}
export type TUser = ReturnType<typeof present>;

/** The tenant a profile change or creation applies to, and its group for validation. */
async function targetTenant(scope: UserScope, tenantId: string | undefined) {
  if (scope.kind === "tenant") {
    if (tenantId && tenantId !== scope.tenant.id) throw AppError.forbidden("a tenant scope can only manage its own members");
    return scope.tenant;
  }
  if (!tenantId) throw AppError.badRequest("tenantId is required", [{ path: "tenantId", message: "is required" }]);
  const tenant = await scope.db.tenant.findUnique({ where: { id: tenantId }, select: { id: true, group: true } });
  if (!tenant) throw AppError.notFound("tenant", tenantId);
  return tenant;
}

function assertProfiles(groupName: string, profiles: string[], path = "profiles") {
  const group = getTenantGroup(groupName);
  const unknown = profiles.filter((p) => !(p in group.profiles));
  if (unknown.length) {
    throw AppError.badRequest(`unknown profile ${unknown.join(", ")} for group ${groupName}`, [
      { path, message: `must be one of: ${Object.keys(group.profiles).join(", ")}` },
    ]);
  }
}

export async function getUser(scope: UserScope, id: string): Promise<TUser> {
  const user = await scope.db.user.findUnique({ where: { id }, select: userSelect });
  if (!user) throw AppError.notFound("user", id);
  return present(user);
}

export async function searchUsers(scope: UserScope, input: z.infer<typeof ZSearchUsersSchema>) {
  const where = {
    ...(input.query
      ? {
          OR: [
            { email: { contains: input.query, mode: "insensitive" as const } },
            { name: { contains: input.query, mode: "insensitive" as const } },
          ],
        }
      : {}),
    ...(scope.kind === "platform" && input.tenantId ? { memberships: { some: { tenantId: input.tenantId } } } : {}),
  };
  const [rows, total] = await Promise.all([
    scope.db.user.findMany({ where, select: userSelect, orderBy: { email: "asc" }, take: input.limit, skip: input.offset }),
    scope.db.user.count({ where }),
  ]);
  return { items: rows.map(present), total };
}

export async function createUser(scope: UserScope, input: z.infer<typeof ZCreateUserSchema>): Promise<TUser> {
  if (input.isPlatformAdmin && scope.kind !== "platform")
    throw AppError.forbidden("only platform admins can create platform admins");
  const tenant = input.profiles.length || scope.kind === "tenant" ? await targetTenant(scope, input.tenantId) : null;
  if (scope.kind === "tenant" && !input.profiles.length) {
    throw AppError.badRequest("a tenant member needs at least one profile", [
      { path: "profiles", message: "at least one profile" },
    ]);
  }
  if (tenant) assertProfiles(tenant.group, input.profiles);
  const id = randomUUID();
  // createMany: no RETURNING, so a tenant scope may insert a user it only sees once the
  // membership below exists (the users policy shows a tenant its members only)
  await scope.db.user
    .createMany({
      data: [
        {
          id,
          email: input.email,
          name: input.name,
          passwordHash: await hashPassword(input.password),
          isPlatformAdmin: input.isPlatformAdmin,
        },
      ],
    })
    .catch((e) => conflictOnUnique(e, `a user with email ${input.email} already exists`));
  if (tenant) {
    await scope.db.membership.create({ data: { tenantId: tenant.id, userId: id, profiles: [...new Set(input.profiles)] } });
  }
  return getUser(scope, id);
}

export async function updateUser(scope: UserScope, input: z.infer<typeof ZUpdateUserSchema>): Promise<TUser> {
  await getUser(scope, input.id);
  if (input.isPlatformAdmin !== undefined && scope.kind !== "platform")
    throw AppError.forbidden("only platform admins can change that");
  if (input.isPlatformAdmin === false && input.id === scope.actorId)
    throw AppError.forbidden("you cannot remove your own platform admin role");
  const data = {
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
    ...(input.isPlatformAdmin !== undefined ? { isPlatformAdmin: input.isPlatformAdmin } : {}),
  };
  const changed = await scope.db.user
    .updateMany({ where: { id: input.id }, data })
    .catch((e) => conflictOnUnique(e, `a user with email ${input.email} already exists`));
  if (changed.count === 0) {
    throw AppError.forbidden(
      "this user also belongs to other tenants or is a platform admin: only a platform admin can change them",
    );
  }
  if (input.password !== undefined) scope.db.afterCommit(() => endCredentialsOf(input.id));
  return getUser(scope, input.id);
}

/**
 * From a tenant: removes the user from the tenant, and deletes the account when it
 * belonged to that tenant alone. From the platform: deletes the account.
 */
export async function deleteUser(scope: UserScope, id: string): Promise<{ id: string; deleted: "user" | "membership" }> {
  const user = await getUser(scope, id);
  if (id === scope.actorId) throw AppError.forbidden("you cannot delete yourself");
  if (scope.kind === "platform") {
    await scope.db.user.delete({ where: { id } });
    return { id, deleted: "user" };
  }
  const removed = user.isPlatformAdmin ? { count: 0 } : await scope.db.user.deleteMany({ where: { id } });
  if (removed.count === 1) return { id, deleted: "user" };
  await scope.db.membership.deleteMany({ where: { userId: id, tenantId: scope.tenant.id } });
  return { id, deleted: "membership" };
}

export async function addProfile(scope: UserScope, input: z.infer<typeof ZProfileChangeSchema>): Promise<TUser> {
  const tenant = await targetTenant(scope, input.tenantId);
  assertProfiles(tenant.group, [input.profile], "profile");
  await getUser(scope, input.userId);
  const membership = await scope.db.membership.findUnique({
    where: { tenantId_userId: { tenantId: tenant.id, userId: input.userId } },
    select: { profiles: true },
  });
  if (!membership) {
    await scope.db.membership.create({ data: { tenantId: tenant.id, userId: input.userId, profiles: [input.profile] } });
    // an account that joins a second tenant may have been made by the first one's admins:
    // whatever credentials it had are ended, so they do not carry over
    const elsewhere = await scope.db.membership.count({ where: { userId: input.userId, tenantId: { not: tenant.id } } });
    if (elsewhere > 0) scope.db.afterCommit(() => endCredentialsOf(input.userId));
  } else if (!membership.profiles.includes(input.profile)) {
    await scope.db.membership.update({
      where: { tenantId_userId: { tenantId: tenant.id, userId: input.userId } },
      data: { profiles: [...membership.profiles, input.profile] },
    });
  }
  return getUser(scope, input.userId);
}

/** Removing the last profile a user has in a tenant removes them from it. */
export async function removeProfile(scope: UserScope, input: z.infer<typeof ZProfileChangeSchema>) {
  const tenant = await targetTenant(scope, input.tenantId);
  const where = { tenantId_userId: { tenantId: tenant.id, userId: input.userId } };
  const membership = await scope.db.membership.findUnique({ where, select: { profiles: true } });
  if (!membership) throw AppError.notFound("user in this tenant", input.userId);
  if (!membership.profiles.includes(input.profile)) {
    throw AppError.badRequest(`the user has no profile ${input.profile} here`, [
      { path: "profile", message: "not held by the user" },
    ]);
  }
  const profiles = membership.profiles.filter((p) => p !== input.profile);
  if (profiles.length === 0) {
    await scope.db.membership.delete({ where });
    return { userId: input.userId, tenantId: tenant.id, profiles, removedFromTenant: true };
  }
  await scope.db.membership.update({ where, data: { profiles } });
  return { userId: input.userId, tenantId: tenant.id, profiles, removedFromTenant: false };
}
