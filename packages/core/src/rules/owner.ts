import { withPlatform } from "@iot/db";
import { TENANT_PERMISSIONS, type TenantPermission } from "../auth/permissions";
import { AppError } from "../errors";
import { permissionsOf } from "../tenancy/groups";

// What a rule's owner may do in its tenant, for the tasks that write through the domain
// (setMetadata, pushComputedMeasure) rather than through the API (callApi is checked by
// the API itself): a rule never does more than the member who saved it could. A rule
// without owner is a tenant group's default, which its code declares: the group's admin
// profile. Cached a few seconds per (tenant, owner): runs come in bursts.

const TTL_MS = 10_000;
const cache = new Map<string, { at: number; permissions: Set<TenantPermission> }>();

export async function ownerPermissions(tenantId: string, group: string, ownerId: string | null): Promise<Set<TenantPermission>> {
  if (!ownerId) return permissionsOf(group, ["admin"]);
  const key = `${tenantId}|${ownerId}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.permissions;
  const found = await withPlatform(async (db) => {
    const user = await db.user.findUnique({ where: { id: ownerId }, select: { isPlatformAdmin: true } });
    const membership = await db.membership.findUnique({
      where: { tenantId_userId: { tenantId, userId: ownerId } },
      select: { profiles: true },
    });
    return { admin: user?.isPlatformAdmin ?? false, profiles: membership?.profiles ?? [] };
  });
  const permissions = found.admin ? new Set<TenantPermission>(TENANT_PERMISSIONS) : permissionsOf(group, found.profiles);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { at: Date.now(), permissions });
  return permissions;
}

export async function assertOwnerMay(
  ctx: { tenantId: string; tenantGroup: string; rule: { ownerId: string | null; name: string } },
  permission: TenantPermission,
): Promise<void> {
  const permissions = await ownerPermissions(ctx.tenantId, ctx.tenantGroup, ctx.rule.ownerId);
  if (!permissions.has(permission))
    throw AppError.forbidden(`the rule's owner lacks ${permission} in this tenant: save the rule as someone who has it`);
}
