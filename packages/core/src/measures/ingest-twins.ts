import { Prisma, type TenantDb } from "@iot/db";
import { AppError } from "../errors";
import { mergeMetadata, validateMetadata } from "../twins/metadata";
import type { TProcessedMeasure, TTwinRef } from "./hooks";

// The twins of an ingestion batch: locked in one query per table (assets, then devices,
// each in id order: the order linking uses, so concurrent batches never deadlock), and
// written back in one UPDATE per table.

/** What a twin keeps of its newest measure per name (device) or slot (asset). */
export interface TLastMeasure {
  type: string;
  name: string;
  measuredAt: string;
  values: Record<string, unknown>;
  originId: string;
  payloadId: string | null;
}

export interface TLockedTwin extends TTwinRef {
  measures: Record<string, TLastMeasure>;
}

export interface TLockedDevice extends TLockedTwin {
  asset_id: string | null;
  link_measures: unknown;
}

async function lock<T>(db: TenantDb, table: "devices" | "assets", ids: string[]): Promise<Map<string, T>> {
  if (!ids.length) return new Map();
  const rows = await db.$queryRaw<(T & { id: string })[]>`
    SELECT id, model, reference, metadata, measures ${table === "devices" ? Prisma.sql`, asset_id, link_measures` : Prisma.empty}
    FROM ${Prisma.raw(table)} WHERE id = ANY(${[...ids].sort()}::uuid[]) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** Locks the devices, the assets they feed and the assets measures are pushed to. */
export async function lockTwins(db: TenantDb, deviceIds: string[], pushedAssetIds: string[]) {
  const peek = deviceIds.length
    ? await db.device.findMany({ where: { id: { in: deviceIds } }, select: { id: true, assetId: true } })
    : [];
  const missing = deviceIds.find((id) => !peek.some((d) => d.id === id));
  if (missing) throw AppError.notFound("device in this tenant", missing);
  const assets = await lock<TLockedTwin>(db, "assets", [
    ...new Set([...peek.flatMap((d) => d.assetId ?? []), ...pushedAssetIds]),
  ]);
  const devices = await lock<TLockedDevice>(db, "devices", deviceIds);
  // linked in the meantime to an asset not locked yet: lock it now (rare)
  const late = [...devices.values()].flatMap((d) => (d.asset_id && !assets.has(d.asset_id) ? [d.asset_id] : []));
  for (const [id, asset] of await lock<TLockedTwin>(db, "assets", late)) assets.set(id, asset);
  const gone = pushedAssetIds.find((id) => !assets.has(id));
  if (gone) throw AppError.notFound("asset in this tenant", gone);
  return { devices, assets };
}

/** The newest measure per key, kept only if newer than what the twin holds (added to `patch`). */
export function newerThan(
  current: Record<string, TLastMeasure>,
  patch: Record<string, TLastMeasure>,
  measures: TProcessedMeasure[],
  key: (m: TProcessedMeasure) => string,
  originId: string,
): Record<string, TLastMeasure> {
  for (const m of measures) {
    const k = key(m);
    const held = patch[k] ?? current[k];
    if (!held || new Date(held.measuredAt).getTime() <= m.measuredAt.getTime())
      patch[k] = {
        type: m.type,
        name: m.name,
        measuredAt: m.measuredAt.toISOString(),
        values: m.values,
        originId,
        payloadId: m.payloadId ?? null,
      };
  }
  return patch;
}

export interface TTwinWrite {
  twin: TLockedTwin;
  mappings: Parameters<typeof validateMetadata>[0] | undefined;
  measures: Record<string, TLastMeasure>;
  metadata: Record<string, unknown>;
}

/**
 * How far last-seen moves at a time. It is indexed (online/offline filters, sorting), so
 * moving it on every measure would make every update of a busy twin write a new entry in
 * each of the table's indexes; moved at most every 30 s, the other updates stay HOT
 * (in place, indexes untouched: the tables keep room for it, fillfactor 70).
 */
const LAST_SEEN_STEP_MS = 30_000;

/** One UPDATE of the twins' last measures, last-seen and (from decoders or hooks) metadata. */
export function twinsUpdateSql(table: "devices" | "assets", writes: TTwinWrite[], now: Date): Prisma.Sql | null {
  if (!writes.length) return null;
  const rows = writes.map((w) => ({
    id: w.twin.id,
    measures: w.measures,
    metadata: Object.keys(w.metadata).length
      ? validateMetadata(
          w.mappings ?? {},
          mergeMetadata(w.twin.metadata, validateMetadata(w.mappings ?? {}, w.metadata, { partial: true })),
          { partial: false },
        )
      : null,
  }));
  return Prisma.sql`
    UPDATE ${Prisma.raw(table)} t
    SET measures = t.measures || w.measures,
        last_seen_at = CASE WHEN t.last_seen_at IS NULL OR t.last_seen_at < ${new Date(now.getTime() - LAST_SEEN_STEP_MS)}::timestamptz
          THEN GREATEST(coalesce(t.last_seen_at, '-infinity'::timestamptz), ${now}::timestamptz) ELSE t.last_seen_at END,
        metadata = coalesce(w.metadata, t.metadata),
        updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS w(id uuid, measures jsonb, metadata jsonb)
    WHERE t.id = w.id`;
}
