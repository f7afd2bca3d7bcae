import { type PlatformDb, actAsTenant } from "@iot/db";
import { z } from "zod";
import { AppError, conflictOnUnique } from "../errors";
import { forgetDefinitions } from "../measures/ttl-cache";
import { getTenantGroup, listTenantGroups, tenantModules } from "./groups";

export const ZTenantNameSchema = z.string().trim().min(2, "at least 2 characters").max(80, "at most 80 characters");

export const tenantSelect = {
  id: true,
  name: true,
  group: true,
  createdAt: true,
  updatedAt: true,
  settings: { select: { retentionDays: true, assetHistory: true, locale: true, timezone: true } },
} as const;

export type TTenant = {
  id: string;
  name: string;
  group: string;
  createdAt: Date;
  updatedAt: Date;
  settings: { retentionDays: number | null; assetHistory: boolean; locale: string; timezone: string } | null;
};

/** Creates the tenant and runs every module's onTenantCreate, all in the caller's transaction. */
export async function createTenant(db: PlatformDb, input: { name: string; group: string }): Promise<TTenant> {
  const group = getTenantGroup(input.group);
  const tenant = await db.tenant
    .create({ data: { name: input.name, group: group.name }, select: tenantSelect })
    .catch((e) => conflictOnUnique(e, `a tenant named "${input.name}" already exists`));
  await actAsTenant(db, tenant.id, async (tenantDb, platformAccess) => {
    for (const module of tenantModules()) await module.onTenantCreate?.({ tenant, group, db: tenantDb, platformAccess });
  });
  return tenant;
}

export async function getTenant(db: PlatformDb, id: string): Promise<TTenant> {
  const tenant = await db.tenant.findUnique({ where: { id }, select: tenantSelect });
  if (!tenant) throw AppError.notFound("tenant", id);
  return tenant;
}

/** Renames the tenant and/or sets its measure retention (days; null keeps everything). */
export async function updateTenant(
  db: PlatformDb,
  input: { id: string; name?: string; retentionDays?: number | null },
): Promise<TTenant> {
  await getTenant(db, input.id);
  if (input.retentionDays !== undefined) {
    forgetDefinitions();
    await db.tenantSettings.update({ where: { tenantId: input.id }, data: { retentionDays: input.retentionDays } });
  }
  return db.tenant
    .update({ where: { id: input.id }, data: { name: input.name }, select: tenantSelect })
    .catch((e) => conflictOnUnique(e, `a tenant named "${input.name}" already exists`));
}

/** Runs every module's onTenantDelete (in reverse order of registration), then deletes the tenant. */
export async function deleteTenant(db: PlatformDb, id: string): Promise<TTenant> {
  const tenant = await getTenant(db, id);
  const group = getTenantGroup(tenant.group);
  await actAsTenant(db, tenant.id, async (tenantDb, platformAccess) => {
    for (const module of tenantModules().reverse())
      await module.onTenantDelete?.({ tenant, group, db: tenantDb, platformAccess });
  });
  await db.tenant.delete({ where: { id } });
  return tenant;
}

export async function listTenants(
  db: PlatformDb,
  input: { query?: string; group?: string; limit: number; offset: number },
): Promise<{ items: (TTenant & { members: number })[]; total: number }> {
  const where = {
    ...(input.query ? { name: { contains: input.query, mode: "insensitive" as const } } : {}),
    ...(input.group ? { group: input.group } : {}),
  };
  const [rows, total] = await Promise.all([
    db.tenant.findMany({
      where,
      select: { ...tenantSelect, _count: { select: { memberships: true } } },
      orderBy: { name: "asc" },
      take: input.limit,
      skip: input.offset,
    }),
    db.tenant.count({ where }),
  ]);
  return { items: rows.map(({ _count, ...t }) => ({ ...t, members: _count.memberships })), total };
}

export function describeTenantGroups() {
  return listTenantGroups().map((g) => ({
    name: g.name,
    label: g.label,
    description: g.description,
    profiles: Object.entries(g.profiles).map(([name, permissions]) => ({ name, permissions: [...permissions] })),
  }));
}
