import type { PlatformDb } from "@iot/db";

// What the tenants use, for the platform's operators: payloads received in the last day,
// measures stored, and the storage those measures take (each tenant's share of the
// measures partitions by row count), and the platform's ingest rate minute by minute.

export interface TTenantUsage {
  tenantId: string;
  name: string;
  payloadsLastDay: number;
  measures: number;
  measureBytes: number;
}

/**
 * Every tenant's usage, busiest first. Counting measures reads the measures table: fine
 * for tens of millions of rows, and cached by the caller; past that, per-tenant daily
 * counters kept by the pipeline would replace the count.
 */
export async function tenantUsage(db: PlatformDb): Promise<TTenantUsage[]> {
  const [rows, size] = await Promise.all([
    db.$queryRaw<{ id: string; name: string; payloads: bigint; measures: bigint }[]>`
      WITH p AS (
        SELECT tenant_id, count(*) AS n FROM payloads
        WHERE received_at > now() - interval '24 hours' AND tenant_id IS NOT NULL GROUP BY tenant_id
      ), m AS (
        SELECT tenant_id, count(*) AS n FROM measures GROUP BY tenant_id
      )
      SELECT t.id, t.name, coalesce(p.n, 0) AS payloads, coalesce(m.n, 0) AS measures
      FROM tenants t LEFT JOIN p ON p.tenant_id = t.id LEFT JOIN m ON m.tenant_id = t.id`,
    db.$queryRaw<{ bytes: bigint | null }[]>`
      SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'measures'::regclass`,
  ]);
  const totalMeasures = rows.reduce((n, r) => n + Number(r.measures), 0);
  const bytes = Number(size[0]?.bytes ?? 0);
  return rows
    .map((r) => ({
      tenantId: r.id,
      name: r.name,
      payloadsLastDay: Number(r.payloads),
      measures: Number(r.measures),
      measureBytes: totalMeasures ? Math.round((bytes * Number(r.measures)) / totalMeasures) : 0,
    }))
    .sort((a, b) => b.payloadsLastDay - a.payloadsLastDay || b.measures - a.measures || a.name.localeCompare(b.name));
}

/** Payloads received each minute of the last `minutes` (oldest first; minutes without any are 0). */
export async function ingestRate(db: PlatformDb, minutes = 15, now = new Date()): Promise<{ at: Date; payloads: number }[]> {
  const rows = await db.$queryRaw<{ at: Date; n: bigint }[]>`
    SELECT date_trunc('minute', received_at) AS at, count(*) AS n FROM payloads
    WHERE received_at > date_trunc('minute', ${now}::timestamptz) - make_interval(mins => ${minutes - 1})
    GROUP BY 1`;
  const byMinute = new Map(rows.map((r) => [r.at.getTime(), Number(r.n)]));
  const last = Math.floor(now.getTime() / 60_000) * 60_000;
  return Array.from({ length: minutes }, (_, i) => {
    const at = last - (minutes - 1 - i) * 60_000;
    return { at: new Date(at), payloads: byMinute.get(at) ?? 0 };
  });
}

/** Payloads stored and not processed yet (the pipeline's backlog), and how long the oldest has waited. */
export async function payloadBacklog(db: PlatformDb, now = new Date()): Promise<{ payloads: number; oldestSeconds: number }> {
  const [row] = await db.$queryRaw<{ n: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS n, min(received_at) AS oldest FROM payloads WHERE state = 'RECEIVED'`;
  return {
    payloads: Number(row?.n ?? 0),
    oldestSeconds: row?.oldest ? Math.max(0, (now.getTime() - row.oldest.getTime()) / 1000) : 0,
  };
}
