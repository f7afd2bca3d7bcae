import { Prisma } from "@iot/db";
import type { TProcessedMeasure } from "./hooks";

// Hourly and daily rollups of the measures a batch really inserted, computed here (a
// thousand measures make a few dozen rollup rows) and merged into measure_rollups in one
// upsert (run with the twins' updates, in one round trip): count, min/max/sum/count per
// numeric value field, and the latest values.

interface FieldStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export interface RollupRow {
  twin_id: string;
  key: string;
  type: string;
  granularity: "hour" | "day";
  bucket_start: string;
  count: number;
  stats: Record<string, FieldStats>;
  last_at: string;
  last_values: Record<string, unknown>;
}

export const GRAINS = [
  ["hour", 3_600_000],
  ["day", 86_400_000],
] as const;

/** Rollup rows of the measures: per device and name (a device's own), and per asset and slot. */
export function rollupRows(
  measures: TProcessedMeasure[],
  origin: { kind: "device" | "api" | "computed"; id: string },
  assetId: string | null,
): RollupRow[] {
  const rows = new Map<string, RollupRow & { lastMs: number }>();
  const add = (twinId: string, key: string, m: TProcessedMeasure) => {
    for (const [granularity, size] of GRAINS) {
      const at = m.measuredAt.getTime();
      const start = Math.floor(at / size) * size;
      const id = `${twinId}|${key}|${granularity}|${start}`;
      let row = rows.get(id);
      if (!row) {
        row = {
          twin_id: twinId,
          key,
          type: m.type,
          granularity,
          bucket_start: new Date(start).toISOString(),
          count: 0,
          stats: {},
          last_at: "",
          last_values: {},
          lastMs: -1,
        };
        rows.set(id, row);
      }
      row.count++;
      if (at >= row.lastMs) {
        row.lastMs = at;
        row.last_at = m.measuredAt.toISOString();
        row.last_values = m.values;
      }
      for (const [field, value] of Object.entries(m.values)) {
        if (typeof value !== "number") continue;
        const s = row.stats[field];
        if (s) {
          s.min = Math.min(s.min, value);
          s.max = Math.max(s.max, value);
          s.sum += value;
          s.count++;
        } else row.stats[field] = { min: value, max: value, sum: value, count: 1 };
      }
    }
  };
  for (const m of measures) {
    if (origin.kind === "device") add(origin.id, m.name, m);
    if (assetId && m.slot !== null) add(assetId, m.slot, m);
  }
  return [...rows.values()].map(({ lastMs: _, ...row }) => row);
}

/** Rows of several twins' batches with the same bucket (an asset fed by two devices) merged into one. */
export function mergeRollupRows(rows: RollupRow[]): RollupRow[] {
  const merged = new Map<string, RollupRow>();
  for (const row of rows) {
    const id = `${row.twin_id}|${row.key}|${row.granularity}|${row.bucket_start}`;
    const held = merged.get(id);
    if (!held) {
      merged.set(id, { ...row, stats: { ...row.stats } });
      continue;
    }
    held.count += row.count;
    if (row.last_at >= held.last_at) {
      held.last_at = row.last_at;
      held.last_values = row.last_values;
    }
    for (const [field, s] of Object.entries(row.stats)) {
      const h = held.stats[field];
      held.stats[field] = h
        ? { min: Math.min(h.min, s.min), max: Math.max(h.max, s.max), sum: h.sum + s.sum, count: h.count + s.count }
        : { ...s };
    }
  }
  return [...merged.values()];
}

/** The upsert of rollup rows, as a statement to run alone or inside a WITH. */
export function rollupUpsertSql(tenantId: string, rows: RollupRow[]): Prisma.Sql | null {
  if (!rows.length) return null;
  return Prisma.sql`
    INSERT INTO measure_rollups (tenant_id, twin_id, key, type, granularity, bucket_start, count, stats, last_at, last_values)
    SELECT ${tenantId}::uuid, r.twin_id, r.key, r.type, r.granularity, r.bucket_start, r.count, r.stats, r.last_at, r.last_values
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(twin_id uuid, key text, type text, granularity text, bucket_start timestamptz, count int, stats jsonb, last_at timestamptz, last_values jsonb)
    ON CONFLICT (twin_id, key, granularity, bucket_start) DO UPDATE SET
      count = measure_rollups.count + EXCLUDED.count,
      stats = merge_rollup_stats(measure_rollups.stats, EXCLUDED.stats),
      last_values = CASE WHEN EXCLUDED.last_at >= measure_rollups.last_at THEN EXCLUDED.last_values ELSE measure_rollups.last_values END,
      last_at = GREATEST(measure_rollups.last_at, EXCLUDED.last_at)`;
}
