import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, conflictOnUnique } from "../errors";
import { emitAfterCommit } from "../events/bus";
import { writeHistory } from "./history";
import { json } from "./json";
import { mergeMetadata, nextMetadata, validateMetadata } from "./metadata";
import { getAssetModel } from "./models";
import { type TTwinSearch, searchTwinTable } from "./search";
import { unlinkDevice } from "./links";

// Assets of a tenant: typed by an asset model of the tenant's group, unique on
// (model, reference), metadata checked against the model on every write.

const ZReference = z.string().trim().min(1, "is required").max(128, "at most 128 characters");
const ZMetadataInput = z.record(z.string(), z.unknown());

export const ZCreateAssetSchema = z.object({
  model: z.string().min(1),
  reference: ZReference,
  metadata: ZMetadataInput.default({}),
});
export const ZAssetRefSchema = z.union([
  z.object({ id: z.string().uuid("must be an asset id") }),
  z.object({ model: z.string().min(1), reference: ZReference }),
]);
export const ZUpdateAssetSchema = z.object({ id: z.string().uuid("must be an asset id"), metadata: ZMetadataInput });

const assetColumns = Prisma.sql`id, tenant_id, model, reference, metadata, measures, last_seen_at, created_at, updated_at`;
interface AssetRow {
  id: string;
  tenant_id: string;
  model: string;
  reference: string;
  metadata: unknown;
  measures: unknown;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function present(row: AssetRow) {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    model: row.model,
    reference: row.reference,
    metadata: row.metadata as Record<string, unknown>,
    measures: row.measures as Record<string, unknown>,
    lastSeenAt: row.last_seen_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
export type TAsset = ReturnType<typeof present>;

async function findRow(db: TenantDb, ref: z.infer<typeof ZAssetRefSchema>): Promise<AssetRow> {
  const where =
    "id" in ref ? Prisma.sql`id = ${ref.id}::uuid` : Prisma.sql`model = ${ref.model} AND reference = ${ref.reference}`;
  const row = (await db.$queryRaw<AssetRow[]>`SELECT ${assetColumns} FROM assets WHERE ${where}`)[0];
  if (!row) throw AppError.notFound("asset", "id" in ref ? ref.id : `${ref.model}/${ref.reference}`);
  return row;
}

/** The asset with its linked devices and the groups it is in. */
export async function getAsset(db: TenantDb, ref: z.infer<typeof ZAssetRefSchema>) {
  const row = await findRow(db, ref);
  const [devices, groups] = await Promise.all([
    db.device.findMany({
      where: { assetId: row.id },
      select: { id: true, model: true, reference: true, linkMeasures: true, lastSeenAt: true },
      orderBy: { reference: "asc" },
    }),
    db.assetGroupMember.findMany({ where: { assetId: row.id }, select: { group: { select: { id: true, name: true } } } }),
  ]);
  return {
    ...present(row),
    linkedDevices: devices.map((d) => ({
      ...d,
      linkMeasures: d.linkMeasures as { device: string; asset: string; type: string }[],
    })),
    groups: groups.map((g) => g.group),
  };
}

export async function createAsset(
  db: TenantDb,
  tenantGroup: string,
  input: z.infer<typeof ZCreateAssetSchema>,
  actor: string | null,
) {
  const model = await getAssetModel(db, tenantGroup, input.model);
  const metadata = validateMetadata(model.metadataMappings, mergeMetadata(model.defaultMetadata, input.metadata), {
    partial: false,
  });
  const created = await db.asset
    .create({
      data: { tenantId: db.tenantId, model: model.model, reference: input.reference, metadata: json(metadata) },
      select: { id: true },
    })
    .catch((e) => conflictOnUnique(e, `asset ${input.model}/${input.reference} already exists`));
  await writeHistory(db, {
    tenantId: db.tenantId,
    assetId: created.id,
    event: "created",
    details: { model: model.model, reference: input.reference },
    actor,
  });
  emitAfterCommit(db, "asset.created", {
    assetId: created.id,
    tenantId: db.tenantId,
    model: model.model,
    reference: input.reference,
  });
  return getAsset(db, { id: created.id });
}

/** Merges (update) or replaces metadata, checks it, and records the changed fields in history. */
export async function writeAssetMetadata(
  db: TenantDb,
  tenantGroup: string,
  input: z.infer<typeof ZUpdateAssetSchema>,
  opts: { replace: boolean; actor: string | null },
) {
  const row = await findRow(db, { id: input.id });
  const model = await getAssetModel(db, tenantGroup, row.model);
  const current = row.metadata as Record<string, unknown>;
  const next = nextMetadata(model.metadataMappings, current, input.metadata, opts.replace);
  const changed = [...new Set([...Object.keys(current), ...Object.keys(next)])]
    .filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]))
    .sort();
  if (changed.length) {
    await db.asset.update({ where: { id: row.id }, data: { metadata: json(next) } });
    await writeHistory(db, {
      tenantId: db.tenantId,
      assetId: row.id,
      event: "metadata",
      details: { changed, before: pick(current, changed), after: pick(next, changed) },
      actor: opts.actor,
    });
    emitAfterCommit(db, "asset.updated", { assetId: row.id, tenantId: db.tenantId, changed });
  }
  return getAsset(db, { id: row.id });
}

function pick(source: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]));
}

/** Unlinks its devices (they stay in the tenant), then deletes the asset. Measures are kept. */
export async function deleteAsset(db: TenantDb, id: string, actor: string | null) {
  await db.$queryRaw`SELECT id FROM assets WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await findRow(db, { id });
  const linked = await db.device.findMany({ where: { assetId: id }, select: { id: true } });
  for (const d of linked) await unlinkDevice(db, { deviceId: d.id }, actor);
  await db.asset.delete({ where: { id } });
  emitAfterCommit(db, "asset.deleted", { assetId: id, tenantId: db.tenantId, model: row.model, reference: row.reference });
  return { id, model: row.model, reference: row.reference, unlinkedDevices: linked.length };
}

export async function searchAssets(db: TenantDb, input: TTwinSearch & { groupId?: string }) {
  const scope = [Prisma.sql`tenant_id = ${db.tenantId}::uuid`];
  if (input.groupId)
    scope.push(Prisma.sql`id IN (SELECT asset_id FROM asset_group_members WHERE group_id = ${input.groupId}::uuid)`);
  const result = await searchTwinTable<AssetRow & { sort_value: string }>(
    db,
    "assets",
    assetColumns,
    input,
    Prisma.join(scope, " AND "),
  );
  return { items: result.rows.map(present), nextCursor: result.nextCursor, total: result.total, totalCapped: result.totalCapped };
}
