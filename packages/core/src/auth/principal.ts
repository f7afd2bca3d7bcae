import { isUuid, withPlatform } from "@iot/db";
import { AppError } from "../errors";
import { getTenantGroup, permissionsOf } from "../tenancy/groups";
import { PLATFORM_PERMISSION, type Permission, TENANT_PERMISSIONS, type TenantPermission } from "./permissions";
import { type TPublicUser, publicUserSelect } from "./sessions";
import { hashToken, tokenKind } from "./tokens";

/** Who is calling: a user through a session, or through one of their API keys. */
export interface Principal extends TPublicUser {
  userId: string;
  sessionId: string | null;
  apiKey: { id: string; name: string; tenantId: string | null; permissions: Permission[] } | null;
}

/** What the caller may do in one tenant. */
export interface TenantAccess {
  tenant: { id: string; name: string; group: string };
  profiles: string[];
  permissions: Set<TenantPermission>;
}

const LAST_USED_GRANULARITY_MS = 60_000;

/** Resolves a bearer token (session or API key); null when absent, UNAUTHORIZED when not valid. */
export async function authenticate(token: string | null, now = new Date()): Promise<Principal | null> {
  if (!token) return null;
  const kind = tokenKind(token);
  if (!kind) throw AppError.unauthorized("invalid token");
  const tokenHash = hashToken(token);
  return withPlatform(async (db) => {
    if (kind === "session") {
      const session = await db.session.findUnique({
        where: { tokenHash },
        select: { id: true, expiresAt: true, revokedAt: true, lastUsedAt: true, user: { select: publicUserSelect } },
      });
      if (!session || session.revokedAt) throw AppError.unauthorized("session ended; sign in again");
      if (session.expiresAt <= now) throw AppError.unauthorized("session expired; sign in again");
      if (now.getTime() - session.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
        await db.session.update({ where: { id: session.id }, data: { lastUsedAt: now } });
      }
      return { ...session.user, userId: session.user.id, sessionId: session.id, apiKey: null };
    }
    const key = await db.apiKey.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        name: true,
        tenantId: true,
        permissions: true,
        expiresAt: true,
        revokedAt: true,
        lastUsedAt: true,
        user: { select: publicUserSelect },
      },
    });
    if (!key || key.revokedAt) throw AppError.unauthorized("API key revoked or unknown");
    if (key.expiresAt && key.expiresAt <= now) throw AppError.unauthorized("API key expired");
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
    }
    return {
      ...key.user,
      userId: key.user.id,
      sessionId: null,
      apiKey: { id: key.id, name: key.name, tenantId: key.tenantId, permissions: key.permissions as Permission[] },
    };
  });
}

/** A key with a permission list may use only those; without one it may do what its user may. */
function keyAllows(principal: Principal, permission: Permission): boolean {
  const limited = principal.apiKey?.permissions ?? [];
  return limited.length === 0 || limited.includes(permission);
}

export function assertPlatformAdmin(principal: Principal): void {
  if (!principal.isPlatformAdmin) throw AppError.forbidden("platform admins only");
  if (principal.apiKey?.tenantId) throw AppError.forbidden("this API key is limited to one tenant");
  if (!keyAllows(principal, PLATFORM_PERMISSION)) throw AppError.forbidden("this API key lacks platform:manage");
}

/**
 * Which tenant a call acts in and what it may do there. The tenant comes from the
 * x-tenant-id header, or from a key limited to one tenant; a header naming another
 * tenant than the key's is FORBIDDEN. Platform admins act as tenant admins anywhere.
 */
export async function resolveTenantAccess(principal: Principal, unsafeTenantId: string | null): Promise<TenantAccess> {
  const keyTenant = principal.apiKey?.tenantId ?? null;
  if (keyTenant && unsafeTenantId && unsafeTenantId !== keyTenant) {
    throw AppError.forbidden("this API key is limited to another tenant");
  }
  const tenantId = unsafeTenantId ?? keyTenant;
  if (!tenantId)
    throw AppError.badRequest("no tenant selected: send the x-tenant-id header", [
      { path: "x-tenant-id", message: "is required" },
    ]);
  if (!isUuid(tenantId))
    throw AppError.badRequest("x-tenant-id is not a tenant id", [{ path: "x-tenant-id", message: "must be a uuid" }]);

  const found = await withPlatform(async (db) => {
    const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true, name: true, group: true } });
    const membership = tenant
      ? await db.membership.findUnique({
          where: { tenantId_userId: { tenantId, userId: principal.userId } },
          select: { profiles: true },
        })
      : null;
    return { tenant, membership };
  });
  if (principal.isPlatformAdmin) {
    if (!found.tenant) throw AppError.notFound("tenant", tenantId);
    return narrow(principal, { tenant: found.tenant, profiles: ["admin"], permissions: new Set(TENANT_PERMISSIONS) });
  }
  // a tenant the caller does not belong to looks the same whether it exists or not
  if (!found.tenant || !found.membership) throw AppError.forbidden("you are not a member of this tenant");
  getTenantGroup(found.tenant.group);
  return narrow(principal, {
    tenant: found.tenant,
    profiles: found.membership.profiles,
    permissions: permissionsOf(found.tenant.group, found.membership.profiles),
  });
}

function narrow(principal: Principal, access: TenantAccess): TenantAccess {
  const permissions = new Set([...access.permissions].filter((p) => keyAllows(principal, p)));
  return { ...access, permissions };
}

export function assertPermission(access: TenantAccess, permission: TenantPermission): void {
  if (!access.permissions.has(permission)) {
    throw AppError.forbidden(`missing permission ${permission} in tenant ${access.tenant.name}`);
  }
}
