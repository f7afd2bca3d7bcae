import { withPlatform } from "@iot/db";
import { getTenantGroup } from "../tenancy/groups";
import { type Principal, resolveTenantAccess } from "./principal";

/**
 * The signed-in user, the tenants they can switch to, and (when one is selected) what
 * they may do in it: what the console needs to draw its navigation.
 */
export async function myProfile(principal: Principal, unsafeTenantId: string | null) {
  const memberships = await withPlatform((db) =>
    db.membership.findMany({
      where: { userId: principal.userId, ...(principal.apiKey?.tenantId ? { tenantId: principal.apiKey.tenantId } : {}) },
      select: { profiles: true, tenant: { select: { id: true, name: true, group: true } } },
      orderBy: { tenant: { name: "asc" } },
    }),
  );
  const wanted = unsafeTenantId ?? principal.apiKey?.tenantId ?? null;
  const current = wanted ? await resolveTenantAccess(principal, wanted) : null;
  return {
    user: { id: principal.userId, email: principal.email, name: principal.name, isPlatformAdmin: principal.isPlatformAdmin },
    apiKey: principal.apiKey
      ? { id: principal.apiKey.id, name: principal.apiKey.name, tenantId: principal.apiKey.tenantId }
      : null,
    tenants: memberships.map((m) => ({ ...m.tenant, profiles: m.profiles })),
    currentTenant: current
      ? {
          ...current.tenant,
          profiles: current.profiles,
          permissions: [...current.permissions].sort(),
          /** The profiles of the tenant's group, which its members can be given. */
          groupProfiles: Object.keys(getTenantGroup(current.tenant.group).profiles),
        }
      : null,
  };
}
