import { Prisma, type TenantDb } from "@iot/db";
import { GRAINS, rollupRows, rollupUpsertSql } from "./rollups";
import type { TProcessedMeasure } from "./hooks";

// Taking back the measures one payload produced (a replay replaces them): the rows go,
// the rollups of the buckets they were in are computed again from what remains (a min or
// a max cannot be decremented), and a twin whose last measure came from that payload gets
// the newest one left. Runs in the caller's tenant transaction.

interface RemovedRow {
  origin_id: string;
  asset_id: string | null;
  name: string;
  slot: string | null;
  measured_at: Date;
}

interface RawRow extends RemovedRow {
  type: string;
  values: Record<string, unknown>;
}

/** Removes what the payload stored for these devices between from and to; returns how many rows. */
export async function takeBackPayload(
  db: TenantDb,
  payloadId: string,
  deviceIds: string[],
  range: { from: Date; to: Date },
): Promise<number> {
  if (!deviceIds.length) return 0;
  const removed = await db.$queryRaw<RemovedRow[]>`
    DELETE FROM measures
    WHERE origin_id = ANY(${deviceIds}::uuid[]) AND payload_id = ${payloadId}
      AND measured_at BETWEEN ${range.from} AND ${range.to}
    RETURNING origin_id, asset_id, name, slot, measured_at`;
  if (!removed.length) return 0;
  await recomputeRollups(db, removed);
  await refreshLastMeasures(db, "devices", [...new Set(removed.map((r) => r.origin_id))], payloadId);
  const assets = [...new Set(removed.flatMap((r) => r.asset_id ?? []))];
  if (assets.length) await refreshLastMeasures(db, "assets", assets, payloadId);
  return removed.length;
}

/** Every rollup bucket the removed rows were in, deleted and rebuilt from the raw rows left. */
async function recomputeRollups(db: TenantDb, removed: RemovedRow[]): Promise<void> {
  const touched = new Map<string, { twin_id: string; key: string; granularity: string; bucket_start: string }>();
  const days = new Map<string, { twin: "device" | "asset"; id: string; key: string; start: number }>();
  for (const r of removed) {
    const twins: ["device" | "asset", string, string][] = [["device", r.origin_id, r.name]];
    if (r.asset_id && r.slot) twins.push(["asset", r.asset_id, r.slot]);
    for (const [twin, id, key] of twins)
      for (const [granularity, size] of GRAINS) {
        const start = Math.floor(r.measured_at.getTime() / size) * size;
        const bucket_start = new Date(start).toISOString();
        touched.set(`${id}|${key}|${granularity}|${bucket_start}`, { twin_id: id, key, granularity, bucket_start });
        if (granularity === "day") days.set(`${twin}|${id}|${key}|${start}`, { twin, id, key, start });
      }
  }
  await db.$executeRaw`
    DELETE FROM measure_rollups r USING jsonb_to_recordset(${JSON.stringify([...touched.values()])}::jsonb)
      AS t(twin_id uuid, key text, granularity text, bucket_start timestamptz)
    WHERE r.twin_id = t.twin_id AND r.key = t.key AND r.granularity = t.granularity AND r.bucket_start = t.bucket_start`;

  // the raw rows of each touched day (a day holds its hours), per device name and asset slot
  const rows: Prisma.Sql[] = [...days.values()].map((d) => {
    const from = new Date(d.start);
    const to = new Date(d.start + 86_400_000);
    return d.twin === "device"
      ? Prisma.sql`(SELECT origin_id, asset_id, name, slot, measured_at, type, values, 'device' AS twin FROM measures
          WHERE origin_id = ${d.id}::uuid AND name = ${d.key} AND measured_at >= ${from} AND measured_at < ${to})`
      : Prisma.sql`(SELECT origin_id, asset_id, name, slot, measured_at, type, values, 'asset' AS twin FROM measures
          WHERE tenant_id = ${db.tenantId}::uuid AND asset_id = ${d.id}::uuid AND slot = ${d.key}
            AND measured_at >= ${from} AND measured_at < ${to})`;
  });
  const raw = await db.$queryRaw<(RawRow & { twin: "device" | "asset" })[]>`${Prisma.join(rows, " UNION ALL ")}`;
  const rebuilt = [];
  const groups = new Map<string, { twin: "device" | "asset"; id: string; measures: TProcessedMeasure[] }>();
  for (const r of raw) {
    const id = r.twin === "device" ? r.origin_id : (r.asset_id as string);
    const group = groups.get(`${r.twin}|${id}`) ?? { twin: r.twin, id, measures: [] };
    group.measures.push({ measuredAt: r.measured_at, type: r.type, name: r.name, values: r.values, slot: r.slot });
    groups.set(`${r.twin}|${id}`, group);
  }
  for (const g of groups.values()) {
    const all =
      g.twin === "device"
        ? rollupRows(g.measures, { kind: "device", id: g.id }, null)
        : rollupRows(g.measures, { kind: "api", id: g.id }, g.id);
    // only the buckets deleted above: the others still hold these rows
    rebuilt.push(...all.filter((row) => touched.has(`${row.twin_id}|${row.key}|${row.granularity}|${row.bucket_start}`)));
  }
  const upsert = rollupUpsertSql(db.tenantId, rebuilt);
  if (upsert) await db.$executeRaw`${upsert}`;
}

/** A twin's last measures that came from the payload: replaced by the newest left, or dropped. */
async function refreshLastMeasures(db: TenantDb, table: "devices" | "assets", ids: string[], payloadId: string) {
  const twins = await db.$queryRaw<{ id: string; key: string }[]>`
    SELECT t.id, m.key FROM ${Prisma.raw(table)} t, jsonb_each(t.measures) m
    WHERE t.id = ANY(${ids}::uuid[]) AND m.value ->> 'payloadId' = ${payloadId}`;
  for (const { id, key } of twins) {
    const column =
      table === "devices"
        ? Prisma.sql`origin_id = ${id}::uuid AND name = ${key}`
        : Prisma.sql`tenant_id = ${db.tenantId}::uuid AND asset_id = ${id}::uuid AND slot = ${key}`;
    const [newest] = await db.$queryRaw<(RawRow & { payload_id: string })[]>`
      SELECT origin_id, name, type, values, measured_at, payload_id FROM measures WHERE ${column}
      ORDER BY measured_at DESC LIMIT 1`;
    const value = newest
      ? JSON.stringify({
          type: newest.type,
          name: newest.name,
          measuredAt: newest.measured_at.toISOString(),
          values: newest.values,
          originId: newest.origin_id,
          payloadId: newest.payload_id || null,
        })
      : null;
    await db.$executeRaw`
      UPDATE ${Prisma.raw(table)} SET measures = ${
        value ? Prisma.sql`jsonb_set(measures, ARRAY[${key}], ${value}::jsonb)` : Prisma.sql`measures - ${key}`
      } WHERE id = ${id}::uuid`;
  }
}
