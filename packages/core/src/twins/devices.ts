import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, conflictOnUnique } from "../errors";
import { emitAfterCommit } from "../events/bus";
import { json } from "./json";
import { mergeMetadata, nextMetadata, validateMetadata } from "./metadata";
import { getDeviceModel, listDeviceModels } from "./models";
import { type TTwinSearch, ZTwinSearchSchema, searchTwinTable } from "./search";
import { type DeviceRow, ZDeviceRefSchema, deviceColumns, findDeviceRow } from "./device-rows";
import { unlinkDevice } from "./links";

// Devices: the catalog (platform admins provision them, give them to tenants and take
// them back) and each tenant's view of its own. An orphan (no tenant) is visible only
// to platform procedures: row-level security hides it from every tenant.

export { ZDeviceRefSchema };

export const ZReference = z.string().trim().min(1, "is required").max(128, "at most 128 characters");
const ZMetadataInput = z.record(z.string(), z.unknown());

export const ZCreateDeviceSchema = z.object({
  model: z.string().min(1),
  reference: ZReference,
  metadata: ZMetadataInput.default({}),
  tenantId: z.string().uuid().nullish(),
});
export const ZUpdateDeviceSchema = z.object({ id: z.string().uuid(), metadata: ZMetadataInput });
export const ZDeviceSearchSchema = ZTwinSearchSchema.extend({
  /** Platform scope only: one tenant's devices, or the orphans. */
  tenantId: z.union([z.string().uuid(), z.literal("orphans")]).optional(),
  linked: z.boolean().optional(),
});

export type TDeviceStatus = "online" | "offline" | "never-seen";

function statusOf(lastSeenAt: Date | null, offlineAfterSeconds: number, now: Date): TDeviceStatus {
  if (!lastSeenAt) return "never-seen";
  return now.getTime() - lastSeenAt.getTime() <= offlineAfterSeconds * 1000 ? "online" : "offline";
}

function present(row: DeviceRow, offlineAfter: Map<string, number>, now = new Date()) {
  return {
    id: row.id,
    model: row.model,
    reference: row.reference,
    tenantId: row.tenant_id,
    assetId: row.asset_id,
    linkMeasures: row.link_measures as { device: string; asset: string; type: string }[],
    metadata: row.metadata as Record<string, unknown>,
    measures: row.measures as Record<string, unknown>,
    lastSeenAt: row.last_seen_at,
    status: statusOf(row.last_seen_at, offlineAfter.get(row.model) ?? 3600, now),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
export type TDevice = ReturnType<typeof present>;

async function offlineAfterByModel(db: TenantDb | PlatformDb) {
  return new Map((await listDeviceModels(db)).map((m) => [m.model, m.offlineAfterSeconds]));
}

export async function getDevice(db: TenantDb | PlatformDb, ref: z.infer<typeof ZDeviceRefSchema>): Promise<TDevice> {
  return present(await findDeviceRow(db, ref), await offlineAfterByModel(db));
}

export async function searchDevices(db: TenantDb | PlatformDb, input: z.infer<typeof ZDeviceSearchSchema> & TTwinSearch) {
  const scope: Prisma.Sql[] = [];
  if ("tenantId" in db) scope.push(Prisma.sql`tenant_id = ${db.tenantId}::uuid`);
  else if (input.tenantId === "orphans") scope.push(Prisma.sql`tenant_id IS NULL`);
  else if (input.tenantId) scope.push(Prisma.sql`tenant_id = ${input.tenantId}::uuid`);
  if (input.linked !== undefined) scope.push(input.linked ? Prisma.sql`asset_id IS NOT NULL` : Prisma.sql`asset_id IS NULL`);
  const result = await searchTwinTable<DeviceRow & { sort_value: string }>(
    db,
    "devices",
    deviceColumns,
    input,
    scope.length ? Prisma.join(scope, " AND ") : Prisma.sql`TRUE`,
  );
  const offlineAfter = await offlineAfterByModel(db);
  return {
    items: result.rows.map((r) => present(r, offlineAfter)),
    nextCursor: result.nextCursor,
    total: result.total,
    totalCapped: result.totalCapped,
  };
}

/** Platform: provisions a device in the catalog, optionally straight into a tenant. */
export async function createDevice(db: PlatformDb, input: z.infer<typeof ZCreateDeviceSchema>): Promise<TDevice> {
  const model = await getDeviceModel(db, input.model);
  const metadata = validateMetadata(model.metadataMappings, mergeMetadata(model.defaultMetadata, input.metadata), {
    partial: false,
  });
  if (input.tenantId && !(await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } }))) {
    throw AppError.notFound("tenant", input.tenantId);
  }
  const created = await db.device
    .create({
      data: { model: model.model, reference: input.reference, metadata: json(metadata), tenantId: input.tenantId ?? null },
      select: { id: true },
    })
    .catch((e) => conflictOnUnique(e, `device ${input.model}/${input.reference} already exists`));
  emitAfterCommit(db, "device.created", {
    deviceId: created.id,
    model: model.model,
    reference: input.reference,
    tenantId: input.tenantId ?? null,
  });
  if (input.tenantId) emitAfterCommit(db, "device.attached", { deviceId: created.id, tenantId: input.tenantId });
  return getDevice(db, { id: created.id });
}

/** Platform: gives an orphan of the catalog to a tenant. */
export async function attachTenant(db: PlatformDb, input: { deviceId: string; tenantId: string }): Promise<TDevice> {
  const device = await findDeviceRow(db, { id: input.deviceId });
  if (device.tenant_id === input.tenantId) return getDevice(db, { id: device.id });
  if (device.tenant_id) throw AppError.conflict("the device belongs to another tenant: detach it first");
  if (!(await db.tenant.findUnique({ where: { id: input.tenantId }, select: { id: true } })))
    throw AppError.notFound("tenant", input.tenantId);
  await db.device.update({ where: { id: device.id }, data: { tenantId: input.tenantId } });
  emitAfterCommit(db, "device.attached", { deviceId: device.id, tenantId: input.tenantId });
  return getDevice(db, { id: device.id });
}

/** Platform: takes a device back into the catalog; a linked device is unlinked first. */
export async function detachTenant(db: PlatformDb, input: { deviceId: string }, actor: string | null): Promise<TDevice> {
  const device = await findDeviceRow(db, { id: input.deviceId });
  if (!device.tenant_id) throw AppError.conflict("the device is already in the catalog (no tenant)");
  const tenantId = device.tenant_id;
  if (device.asset_id) await unlinkDevice(db, { deviceId: device.id }, actor);
  // nothing the tenant wrote or measured goes to the next owner
  const model = await getDeviceModel(db, device.model);
  await db.device.update({
    where: { id: device.id },
    data: {
      tenantId: null,
      assetId: null,
      linkMeasures: [],
      metadata: json(model.defaultMetadata),
      measures: {},
      lastSeenAt: null,
    },
  });
  emitAfterCommit(db, "device.detached", { deviceId: device.id, tenantId });
  return getDevice(db, { id: device.id });
}

/** Tenant or platform: merges metadata (null removes a field), checked against the model. */
export async function updateDeviceMetadata(
  db: TenantDb | PlatformDb,
  input: z.infer<typeof ZUpdateDeviceSchema>,
  replace: boolean,
) {
  const device = await findDeviceRow(db, { id: input.id });
  const model = await getDeviceModel(db, device.model);
  const metadata = nextMetadata(model.metadataMappings, device.metadata as Record<string, unknown>, input.metadata, replace);
  await db.device.update({ where: { id: device.id }, data: { metadata: json(metadata) } });
  return getDevice(db, { id: device.id });
}

/** Deletes a device; linked, it is unlinked first (written to the asset's history). Its measures stay. */
export async function deleteDevice(db: TenantDb | PlatformDb, id: string, actor: string | null) {
  const device = await findDeviceRow(db, { id });
  if (device.asset_id) await unlinkDevice(db, { deviceId: device.id }, actor);
  await db.device.delete({ where: { id } });
  return { id, model: device.model, reference: device.reference };
}
