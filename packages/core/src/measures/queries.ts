import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import type { TLastMeasure } from "./ingest";

// Reading measures: a twin's last measures (one or many twins), and its history either
// raw (keyset pages, newest first) or in time buckets computed by Postgres: min, max,
// avg and last of every numeric value field, and last for the rest (positions...).

const ZTwinRef = z.union([z.object({ deviceId: z.string().uuid() }), z.object({ assetId: z.string().uuid() })]);
const ZBucket = z.union([
  z.object({
    seconds: z
      .number()
      .int()
      .min(1)
      .max(366 * 86_400),
  }),
  z.object({ points: z.number().int().min(1).max(5000) }),
]);

export const ZMeasuresQuerySchema = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** Measure types to keep. */
  types: z.array(z.string().min(1).max(40)).max(20).optional(),
  /** Device measure names, or asset slots. */
  names: z.array(z.string().min(1).max(40)).max(64).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,15}:\d{1,18}$/, "must be a cursor this query returned")
    .optional(),
  bucket: ZBucket.optional(),
});
export const ZDeviceMeasuresQuerySchema = ZMeasuresQuerySchema.extend({ deviceId: z.string().uuid("must be a device id") });
export const ZAssetMeasuresQuerySchema = ZMeasuresQuerySchema.extend({ assetId: z.string().uuid("must be an asset id") });
export type TGetMeasures = z.infer<typeof ZDeviceMeasuresQuerySchema> | z.infer<typeof ZAssetMeasuresQuerySchema>;

const DEFAULT_RANGE_MS = 24 * 3_600_000;

/** The rows of one twin, newest first: the asset's slots or the device's own measures. */
function twinWhere(db: TenantDb, input: TGetMeasures, from: Date, to: Date): Prisma.Sql {
  const parts = [
    Prisma.sql`tenant_id = ${db.tenantId}::uuid`,
    Prisma.sql`measured_at >= ${from}`,
    Prisma.sql`measured_at < ${to}`,
  ];
  if ("assetId" in input) parts.push(Prisma.sql`asset_id = ${input.assetId}::uuid`);
  else parts.push(Prisma.sql`origin_id = ${input.deviceId}::uuid`);
  if (input.types?.length) parts.push(Prisma.sql`type = ANY(${input.types}::text[])`);
  if (input.names?.length)
    parts.push(
      "assetId" in input ? Prisma.sql`slot = ANY(${input.names}::text[])` : Prisma.sql`name = ANY(${input.names}::text[])`,
    );
  return Prisma.join(parts, " AND ");
}

async function assertTwin(db: TenantDb, input: TGetMeasures) {
  const found =
    "assetId" in input
      ? await db.asset.findUnique({ where: { id: input.assetId }, select: { id: true } })
      : await db.device.findUnique({ where: { id: input.deviceId }, select: { id: true } });
  if (!found)
    throw AppError.notFound("assetId" in input ? "asset" : "device", "assetId" in input ? input.assetId : input.deviceId);
}

export async function getMeasures(db: TenantDb, input: TGetMeasures, now = new Date()) {
  await assertTwin(db, input);
  const to = input.to ?? now;
  const from = input.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw AppError.badRequest("from must be before to", [{ path: "from", message: "must be before to" }]);
  if (input.bucket) return { kind: "buckets" as const, ...(await measureBuckets(db, input, from, to)) };

  const where = [twinWhere(db, input, from, to)];
  if (input.cursor) {
    const [at, id] = input.cursor.split(":");
    where.push(Prisma.sql`(measured_at, id) < (${new Date(Number(at))}::timestamptz, ${BigInt(id ?? "0")})`);
  }
  const rows = await db.$queryRaw<
    {
      id: bigint;
      measured_at: Date;
      type: string;
      name: string;
      slot: string | null;
      values: Record<string, unknown>;
      origin_type: string;
      origin_id: string;
      payload_id: string;
    }[]
  >`
    SELECT id, measured_at, type, name, slot, values, origin_type, origin_id, payload_id
    FROM measures WHERE ${Prisma.join(where, " AND ")}
    ORDER BY measured_at DESC, id DESC
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  return {
    kind: "raw" as const,
    from,
    to,
    items: page.map((r) => ({
      measuredAt: r.measured_at,
      type: r.type,
      name: r.name,
      slot: r.slot,
      values: r.values,
      origin: { type: r.origin_type, id: r.origin_id, payloadId: r.payload_id || null },
    })),
    // the last row's place in (measured_at, id) order
    nextCursor: rows.length > input.limit && page.at(-1) ? `${page.at(-1)?.measured_at.getTime()}:${page.at(-1)?.id}` : null,
  };
}

const NICE_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000,
];

/**
 * Bucket width: the one asked for, or the range split into about `points` buckets,
 * rounded up to a round step (whole hours and days can be read from the rollups).
 */
export function bucketSeconds(bucket: NonNullable<TGetMeasures["bucket"]>, from: Date, to: Date): number {
  if ("seconds" in bucket) return bucket.seconds;
  const wanted = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000 / bucket.points));
  return NICE_STEPS.find((s) => s >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** The coarsest rollup whose buckets fit whole in buckets of this width, or raw rows. */
export function rollupFor(seconds: number): "day" | "hour" | "raw" {
  if (seconds % 86_400 === 0) return "day";
  if (seconds % 3600 === 0) return "hour";
  return "raw";
}

interface TBucket {
  start: Date;
  name: string;
  type: string;
  count: number;
  last: Record<string, unknown>;
  lastAt: Date;
  numbers: Record<string, { min: number; max: number; avg: number }>;
}

/**
 * Time buckets of a twin's measures: from the daily or hourly rollups when the width is
 * whole days or hours (the buckets then start on a UTC day or hour at or before `from`),
 * otherwise from the raw rows (on multiples of the width since 1970, at or before `from`). `source` forces one (tests compare them).
 */
export async function measureBuckets(db: TenantDb, input: TGetMeasures, from: Date, to: Date, source?: "raw" | "rollup") {
  const seconds = bucketSeconds(input.bucket as NonNullable<TGetMeasures["bucket"]>, from, to);
  const grain = source === "raw" ? "raw" : rollupFor(seconds);
  if (grain !== "raw")
    return { ...(await fromRollups(db, input, from, to, seconds, grain)), bucketSeconds: seconds, source: grain };
  if ((to.getTime() - from.getTime()) / 1000 / seconds > 20_000) {
    throw AppError.badRequest("that would be more than 20,000 buckets: widen the bucket or shorten the range", [
      { path: "bucket", message: "too many buckets" },
    ]);
  }
  const where = twinWhere(db, input, from, to);
  const key = "assetId" in input ? Prisma.sql`coalesce(slot, name)` : Prisma.sql`name`;
  // buckets on multiples of their width since 1970, not from `from`: a chart that slides its
  // range (live, or refreshed every N seconds) keeps the same buckets from one read to the next
  const origin = new Date(Math.floor(from.getTime() / (seconds * 1000)) * seconds * 1000);
  const bin = Prisma.sql`date_bin(make_interval(secs => ${seconds}), measured_at, ${origin}::timestamptz)`;
  const [stats, lasts] = await Promise.all([
    db.$queryRaw<{ bucket: Date; key: string; field: string; min: number; max: number; avg: number }[]>`
      SELECT ${bin} AS bucket, ${key} AS key, f.key AS field,
             min((f.value)::text::float8) AS min, max((f.value)::text::float8) AS max, avg((f.value)::text::float8) AS avg
      FROM measures m, LATERAL jsonb_each(m.values) f
      WHERE ${where} AND jsonb_typeof(f.value) = 'number'
      GROUP BY 1, 2, 3`,
    db.$queryRaw<
      { bucket: Date; key: string; type: string; count: number; values: Record<string, unknown>; measured_at: Date }[]
    >`
      SELECT DISTINCT ON (1, 2) ${bin} AS bucket, ${key} AS key, type,
             count(*) OVER (PARTITION BY ${bin}, ${key})::int AS count, values, measured_at
      FROM measures
      WHERE ${where}
      ORDER BY 1, 2, measured_at DESC, id DESC`,
  ]);
  const numbers = new Map<string, Record<string, { min: number; max: number; avg: number }>>();
  for (const s of stats) {
    const k = `${s.bucket.toISOString()}|${s.key}`;
    const fields = numbers.get(k) ?? {};
    fields[s.field] = { min: Number(s.min), max: Number(s.max), avg: Number(s.avg) };
    numbers.set(k, fields);
  }
  return {
    from,
    to,
    bucketSeconds: seconds,
    source: "raw" as const,
    buckets: lasts.map(
      (l): TBucket => ({
        start: l.bucket,
        name: l.key,
        type: l.type,
        count: l.count,
        last: l.values,
        lastAt: l.measured_at,
        numbers: numbers.get(`${l.bucket.toISOString()}|${l.key}`) ?? {},
      }),
    ),
  };
}

async function fromRollups(db: TenantDb, input: TGetMeasures, from: Date, to: Date, seconds: number, grain: "hour" | "day") {
  const start = new Date(
    Math.floor(from.getTime() / ((grain === "day" ? 86_400 : 3600) * 1000)) * (grain === "day" ? 86_400 : 3600) * 1000,
  );
  const twinId = "assetId" in input ? input.assetId : input.deviceId;
  const parts = [
    Prisma.sql`tenant_id = ${db.tenantId}::uuid`,
    Prisma.sql`twin_id = ${twinId}::uuid`,
    Prisma.sql`granularity = ${grain}`,
    Prisma.sql`bucket_start >= ${start}`,
    Prisma.sql`bucket_start < ${to}`,
  ];
  if (input.types?.length) parts.push(Prisma.sql`type = ANY(${input.types}::text[])`);
  if (input.names?.length) parts.push(Prisma.sql`key = ANY(${input.names}::text[])`);
  const rows = await db.$queryRaw<
    {
      bucket: Date;
      key: string;
      type: string;
      count: number;
      stats: Record<string, { min: number; max: number; sum: number; count: number }>;
      last_at: Date;
      last_values: Record<string, unknown>;
    }[]
  >`
    SELECT date_bin(make_interval(secs => ${seconds}), bucket_start, ${start}::timestamptz) AS bucket, key, type, count, stats, last_at, last_values
    FROM measure_rollups WHERE ${Prisma.join(parts, " AND ")}
    ORDER BY 1, 2`;
  const buckets = new Map<string, TBucket & { sums: Record<string, { min: number; max: number; sum: number; count: number }> }>();
  for (const r of rows) {
    const k = `${r.bucket.toISOString()}|${r.key}`;
    const b = buckets.get(k) ?? {
      start: r.bucket,
      name: r.key,
      type: r.type,
      count: 0,
      last: r.last_values,
      lastAt: r.last_at,
      numbers: {},
      sums: {},
    };
    b.count += r.count;
    if (r.last_at >= b.lastAt) {
      b.last = r.last_values;
      b.lastAt = r.last_at;
    }
    for (const [field, st] of Object.entries(r.stats)) {
      const acc = b.sums[field];
      b.sums[field] = acc
        ? { min: Math.min(acc.min, st.min), max: Math.max(acc.max, st.max), sum: acc.sum + st.sum, count: acc.count + st.count }
        : { ...st };
    }
    buckets.set(k, b);
  }
  return {
    from: start,
    to,
    buckets: [...buckets.values()].map(({ sums, ...b }) => ({
      ...b,
      numbers: Object.fromEntries(
        Object.entries(sums).map(([f, st]) => [f, { min: st.min, max: st.max, avg: st.sum / st.count }]),
      ),
    })),
  };
}

/** The `measures` JSON column of a twin, as written by the ingestion function. */
function lastMeasuresOf(value: unknown): Record<string, TLastMeasure> {
  return (value ?? {}) as Record<string, TLastMeasure>;
}

export async function getLastMeasures(db: TenantDb, input: z.infer<typeof ZTwinRef>): Promise<Record<string, TLastMeasure>> {
  const row =
    "assetId" in input
      ? await db.asset.findUnique({ where: { id: input.assetId }, select: { measures: true } })
      : await db.device.findUnique({ where: { id: input.deviceId }, select: { measures: true } });
  if (!row) throw AppError.notFound("assetId" in input ? "asset" : "device", "assetId" in input ? input.assetId : input.deviceId);
  return lastMeasuresOf(row.measures);
}

export const ZMGetLastMeasuresSchema = z.object({ ids: z.array(z.string().uuid()).min(1).max(1000) });

/** Last measures of many twins in one query; ids of another tenant or unknown are absent. */
export async function mGetLastMeasures(db: TenantDb, table: "assets" | "devices", ids: string[]) {
  const rows = await db.$queryRaw<{ id: string; measures: Record<string, TLastMeasure> }[]>`
    SELECT id, measures FROM ${Prisma.raw(table)} WHERE tenant_id = ${db.tenantId}::uuid AND id = ANY(${ids}::uuid[])`;
  return Object.fromEntries(rows.map((r) => [r.id, r.measures]));
}
