import type { PlatformDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { ALL_PERMISSIONS, type Permission } from "./permissions";
import type { Principal } from "./principal";
import { hashToken, newToken } from "./tokens";

export const ZCreateApiKeySchema = z.object({
  name: z.string().trim().min(1, "is required").max(80),
  tenantId: z.string().uuid("must be a tenant id").nullish(),
  permissions: z.array(z.enum(ALL_PERMISSIONS)).max(ALL_PERMISSIONS.length).default([]),
  expiresInDays: z.number().int().min(1).max(3650).nullish(),
});

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  tenantId: true,
  permissions: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdAt: true,
} as const;

/**
 * A key belongs to its user and can never do more than the user: limited to a tenant,
 * the user must be a member of it (or a platform admin); limited to permissions, they are
 * checked again at each use against what the user holds then.
 */
export async function createApiKey(db: PlatformDb, principal: Principal, input: z.infer<typeof ZCreateApiKeySchema>) {
  if (principal.apiKey) throw AppError.forbidden("API keys cannot create other keys; sign in to create one");
  if (input.tenantId) {
    const member = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId: input.tenantId, userId: principal.userId } },
      select: { tenantId: true },
    });
    const tenant = await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } });
    if (!tenant) throw AppError.notFound("tenant", input.tenantId);
    if (!member && !principal.isPlatformAdmin) throw AppError.forbidden("you are not a member of this tenant");
  }
  if (input.permissions.includes("platform:manage") && !principal.isPlatformAdmin) {
    throw AppError.forbidden("only platform admins can create keys with platform:manage");
  }
  const token = newToken("apiKey");
  const key = await db.apiKey.create({
    data: {
      userId: principal.userId,
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 12),
      tenantId: input.tenantId ?? null,
      permissions: input.permissions as Permission[],
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    },
    select: apiKeySelect,
  });
  return { ...key, token };
}

export async function listApiKeys(db: PlatformDb, principal: Principal) {
  return db.apiKey.findMany({ where: { userId: principal.userId }, select: apiKeySelect, orderBy: { createdAt: "desc" } });
}

export async function revokeApiKey(db: PlatformDb, principal: Principal, id: string) {
  const key = await db.apiKey.findFirst({ where: { id, userId: principal.userId }, select: { id: true, revokedAt: true } });
  if (!key) throw AppError.notFound("API key", id);
  if (!key.revokedAt) await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  return { id };
}
