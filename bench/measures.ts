// Measures at scale: 100,000 assets in one tenant, about 10M measures (20 "hot" assets
// with a year of one temperature per minute, a few measures on every other asset),
// timed through the real code path (withTenant + getMeasures / mGetLastMeasures /
// ingestMeasures) against p95 < 100 ms, and ingestion against a raw INSERT ceiling.
//
//   npm run bench:measures         (BENCH_MEASURES=1000000 npm run bench:measures for a quick run)
//
// Uses its own database, iot_bench_measures, dropped and recreated on every run.
// Overrides: BENCH_DATABASE_URL, BENCH_DATABASE_OWNER_URL, BENCH_DATABASE_ADMIN_URL (all
// three must name the same database as the app and owner roles), BENCH_MEASURES (hot
// days scale with it: 10M = 365 days), BENCH_ASSETS, BENCH_RUNS, BENCH_WARMUP,
// BENCH_TARGET_MS, BENCH_INGEST_BATCHES, BENCH_LOAD_CONCURRENCY, BENCH_EXPLAIN=all
// (plans for every case, not only misses).
import { performance } from "node:perf_hooks";
import pg from "pg";
import { benchDatabase, freshDatabase, printPlans, rawInsert, stats } from "./lib";

// Before @iot/db is loaded: it reads these once.
const { urls, dbName } = benchDatabase("iot_bench_measures");

const TOTAL = Number(process.env.BENCH_MEASURES ?? 10_000_000);
const N = Number(process.env.BENCH_ASSETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const TARGET_MS = Number(process.env.BENCH_TARGET_MS ?? 100);
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 30);
const INGEST_WARMUP = 3;
const INGEST_BATCH = 1000;
const LOAD_CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 2);
const EXPLAIN_ALL = process.env.BENCH_EXPLAIN === "all";

const DAY_MS = 86_400_000;
const HOT = 20;
const SCALE = TOTAL / 10_000_000;
// 10M: a full year per minute on each hot asset (20 x 525,600); smaller runs, fewer days.
const HOT_DAYS = Math.max(2, Math.min(365, Math.round(365 * SCALE)));
const COLD_PER_ASSET = Math.max(1, Math.round(3 * SCALE));
const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);

const BUILDINGS = ["Atlas", "Borealis", "Cedar", "Delta", "Elm", "Falcon", "Granite", "Harbor", "Iris", "Juniper"];

// Records the SQL the application sends (Prisma's pg adapter runs every query through
// pg.Client#query), so EXPLAIN runs on exactly the statements that were timed. With
// `timing` on, every statement is kept with its duration (for the ingestion breakdown).
type Captured = { text: string; values: unknown[]; ms?: number };
let capture: Captured[] | null = null;
let timing = false;
const originalQuery = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: wrapping pg's overloaded query()
(pg.Client.prototype as any).query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const result = (originalQuery as any).call(this, config, ...rest);
  if (capture && config && typeof config === "object" && "text" in config) {
    const { text, values } = config as { text: string; values?: unknown[] };
    if (timing) {
      const entry: Captured = { text, values: values ?? [] };
      capture.push(entry);
      const t0 = performance.now();
      if (result && typeof result.then === "function")
        result.then(
          () => {
            entry.ms = performance.now() - t0;
          },
          () => {},
        );
    } else if (/^\s*SELECT/i.test(text) && !text.includes("set_config")) capture.push({ text, values: values ?? [] });
  }
  return result;
};

const { withPlatform, withTenant, disconnect } = await import("@iot/db");
const { createTenant, getMeasures, mGetLastMeasures, ingestMeasures, ZAssetMeasuresQuerySchema, ZMeasureBatchSchema } =
  await import("@iot/core");

type TenantDb = import("@iot/db").TenantDb;
type QueryInput = Parameters<typeof ZAssetMeasuresQuerySchema.parse>[0];

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => n.toFixed(1);
const int = (n: number) => Math.round(n).toLocaleString("en-US");

async function setUp(): Promise<string> {
  await freshDatabase(urls, dbName);
  const tenant = await withPlatform((db) => createTenant(db, { name: "Bench Commons", group: "commons" }));
  return tenant.id;
}

async function ownerClient() {
  const c = new pg.Client({ connectionString: urls.owner });
  await c.connect();
  return c;
}

interface Twins {
  all: string[];
  hot: string[];
  /** Assets without loaded measures: one for ingestMeasures, one for the raw ceiling. */
  ingest: string;
  raw: string;
}

// Assets as the owner role (BYPASSRLS): INSERT ... SELECT over generate_series; monthly
// partitions for the past 13 months and the next one.
async function fillAssets(tenantId: string): Promise<Twins> {
  const owner = await ownerClient();
  try {
    const t0 = performance.now();
    await owner.query("SELECT setseed(0.42)");
    const batch = 25_000;
    for (let from = 1; from <= N; from += batch) {
      const to = Math.min(N, from + batch - 1);
      await owner.query(
        `INSERT INTO assets (id, tenant_id, model, reference, metadata, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, 'Room', format('ROOM-%s', lpad(i::text, 6, '0')),
                jsonb_build_object('building', ($4::text[])[1 + (i % 10)], 'floor', i % 31, 'area', 8 + (i % 240)),
                now() - (i % 365) * interval '1 day', now()
         FROM generate_series($2::int, $3::int) AS i`,
        [tenantId, from, to, BUILDINGS],
      );
    }
    const parts = await owner.query(
      `SELECT ensure_measure_partition((date_trunc('month', $1::timestamptz) + make_interval(months => m))::date) AS p
       FROM generate_series(-13, 1) AS m`,
      [NOW],
    );
    const { rows } = await owner.query<{ id: string }>(
      "SELECT id FROM assets WHERE tenant_id = $1 AND reference LIKE 'ROOM-%' ORDER BY reference",
      [tenantId],
    );
    const all = rows.map((r) => r.id);
    console.log(`assets: ${int(all.length)} inserted, ${parts.rowCount} partitions ensured in ${fmt(ms(t0))} ms`);
    return { all, hot: all.slice(0, HOT), ingest: all[HOT] as string, raw: all[HOT + 1] as string };
  } finally {
    await owner.end();
  }
}

// The hourly and daily rollups of the rows just inserted (CTE `ins`: one asset slot,
// "temperature"), as the ingestion function writes them: per field min, max, sum, count.
const ROLLUPS = `
  grains AS (
    SELECT i.asset_id, g.granularity, date_trunc(g.granularity, i.measured_at, 'UTC') AS bucket_start,
           i.measured_at, i.values, (i.values ->> 'temperature')::float8 AS v
    FROM ins i CROSS JOIN (VALUES ('hour'), ('day')) AS g(granularity)),
  rolled AS (
    INSERT INTO measure_rollups (tenant_id, twin_id, key, type, granularity, bucket_start, count, stats, last_at, last_values)
    SELECT $1::uuid, asset_id, 'temperature', 'temperature', granularity, bucket_start, count(*)::int,
           jsonb_build_object('temperature', jsonb_build_object('min', min(v), 'max', max(v), 'sum', sum(v), 'count', count(*))),
           max(measured_at), (array_agg(values ORDER BY measured_at DESC))[1]
    FROM grains GROUP BY asset_id, granularity, bucket_start
    RETURNING 1)`;

const TEMPERATURE = (t: string) =>
  `round((21 + 4 * sin(extract(epoch FROM ${t}) / 86400 * 2 * pi()) + random() * 1.5)::numeric, 2)`;

// The measures, as the owner role: one INSERT ... SELECT per hot asset and month-sized
// chunk (in time order, so each index grows at its right edge), LOAD_CONCURRENCY at once,
// each with its rollups in the same statement; then the cold measures (and rollups);
// then each asset's last measure and last-seen.
async function fillMeasures(tenantId: string, twins: Twins) {
  const t0 = performance.now();
  const hotFrom = new Date(NOW.getTime() - HOT_DAYS * DAY_MS + 60_000);
  const chunks: { asset: string; from: Date; to: Date }[] = [];
  // chunks end on a UTC midnight, so no hourly or daily rollup spans two of them
  for (const asset of twins.hot) {
    for (let from = hotFrom.getTime(); from <= NOW.getTime(); ) {
      const next = Math.floor(from / DAY_MS) * DAY_MS + 30 * DAY_MS;
      chunks.push({ asset, from: new Date(from), to: new Date(Math.min(NOW.getTime(), next - 60_000)) });
      from = next;
    }
  }
  let hotRows = 0;
  let rollupRows = 0;
  let done = 0;
  let lastReport = performance.now();
  const worker = async () => {
    const c = await ownerClient();
    try {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        const r = await c.query<{ n: number; r: number }>(
          `WITH ins AS (
             INSERT INTO measures (tenant_id, measured_at, type, name, values, asset_id, slot, origin_type, origin_id, payload_id)
             SELECT $1::uuid, t, 'temperature', 'temperature', jsonb_build_object('temperature', ${TEMPERATURE("t")}),
                    $2::uuid, 'temperature', 'api', $2::uuid, ''
             FROM generate_series($3::timestamptz, $4::timestamptz, interval '1 minute') AS t
             RETURNING asset_id, measured_at, values),
           ${ROLLUPS}
           SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM rolled)::int AS r`,
          [tenantId, chunk.asset, chunk.from, chunk.to],
        );
        hotRows += r.rows[0]?.n ?? 0;
        rollupRows += r.rows[0]?.r ?? 0;
        done++;
        if (performance.now() - lastReport > 15_000) {
          lastReport = performance.now();
          console.log(`  ... ${int(hotRows)} hot rows, ${int(hotRows / (ms(t0) / 1000))} rows/s`);
        }
      }
    } finally {
      await c.end();
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  const hotMs = ms(t0);
  console.log(
    `hot: ${int(hotRows)} measures (${HOT} assets x ${HOT_DAYS} days x 1/min) in ${fmt(hotMs / 1000)} s, ` +
      `${int(hotRows / (hotMs / 1000))} rows/s (${LOAD_CONCURRENCY} connections, ${done} statements)`,
  );

  const owner = await ownerClient();
  try {
    const t1 = performance.now();
    const skip = [...twins.hot, twins.ingest, twins.raw];
    await owner.query("SELECT setseed(0.17)");
    await owner.query(
      `CREATE TEMP TABLE cold AS
       SELECT a.id AS asset_id, date_trunc('second', $2::timestamptz - random() * interval '365 days') AS measured_at,
              round((19 + random() * 6)::numeric, 2) AS temperature
       FROM assets a CROSS JOIN generate_series(1, $3::int) AS k
       WHERE a.tenant_id = $1 AND a.id <> ALL($4::uuid[])`,
      [tenantId, NOW, COLD_PER_ASSET, skip],
    );
    const { rows: coldRows } = await owner.query<{ n: number; r: number }>(
      `WITH ins AS (
         INSERT INTO measures (tenant_id, measured_at, type, name, values, asset_id, slot, origin_type, origin_id, payload_id)
         SELECT $1::uuid, measured_at, 'temperature', 'temperature', jsonb_build_object('temperature', temperature),
                asset_id, 'temperature', 'api', asset_id, ''
         FROM cold ORDER BY measured_at
         ON CONFLICT DO NOTHING
         RETURNING asset_id, measured_at, values),
       ${ROLLUPS}
       SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM rolled)::int AS r`,
      [tenantId],
    );
    const coldN = coldRows[0]?.n ?? 0;
    rollupRows += coldRows[0]?.r ?? 0;
    const coldMs = ms(t1);
    console.log(
      `cold: ${int(coldN)} measures (${COLD_PER_ASSET} per other asset, over the past year) in ${fmt(coldMs / 1000)} s, ` +
        `${int(coldN / (coldMs / 1000))} rows/s; ${int(rollupRows)} hourly and daily rollups in all`,
    );

    const t2 = performance.now();
    const last = (at: string, value: string, id: string) =>
      `jsonb_build_object('temperature', jsonb_build_object('type', 'temperature', 'name', 'temperature',
         'measuredAt', to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'values', jsonb_build_object('temperature', ${value}), 'originId', ${id}, 'payloadId', null))`;
    const coldLast = await owner.query(
      `UPDATE assets a SET measures = ${last("l.measured_at", "l.temperature", "a.id")}, last_seen_at = l.measured_at
       FROM (SELECT DISTINCT ON (asset_id) asset_id, measured_at, temperature FROM cold ORDER BY asset_id, measured_at DESC) l
       WHERE a.id = l.asset_id`,
    );
    const hotLast = await owner.query(
      `UPDATE assets a SET measures = ${last("l.measured_at", "l.values -> 'temperature'", "a.id")}, last_seen_at = l.measured_at
       FROM unnest($2::uuid[]) AS h(id)
       CROSS JOIN LATERAL (SELECT measured_at, values FROM measures
                           WHERE tenant_id = $1 AND asset_id = h.id ORDER BY measured_at DESC LIMIT 1) l
       WHERE a.id = h.id`,
      [tenantId, twins.hot],
    );
    console.log(
      `last measures: ${int((coldLast.rowCount ?? 0) + (hotLast.rowCount ?? 0))} assets updated in ${fmt(ms(t2) / 1000)} s`,
    );

    const t3 = performance.now();
    await owner.query("VACUUM ANALYZE measures");
    await owner.query("VACUUM ANALYZE assets");
    await owner.query("VACUUM ANALYZE measure_rollups");
    const { rows } = await owner.query(
      `SELECT (SELECT count(*) FROM measures)::bigint AS n,
              (SELECT sum(count) FROM measure_rollups WHERE granularity = 'day')::bigint AS day_n,
              (SELECT sum(count) FROM measure_rollups WHERE granularity = 'hour')::bigint AS hour_n,
              pg_size_pretty((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
                              WHERE inhparent = 'measures'::regclass)::bigint) AS size`,
    );
    if (rows[0].n !== rows[0].day_n || rows[0].n !== rows[0].hour_n)
      throw new Error(`rollups count ${rows[0].day_n} (day), ${rows[0].hour_n} (hour) of ${rows[0].n} measures`);
    const loadMs = hotMs + coldMs;
    console.log(
      `load: ${int(Number(rows[0].n))} measures (${rows[0].size} with indexes) in ${fmt(loadMs / 1000)} s, ` +
        `${int(Number(rows[0].n) / (loadMs / 1000))} rows/s; vacuum analyze ${fmt(ms(t3) / 1000)} s; total ${fmt(ms(t0) / 1000)} s`,
    );
    return Number(rows[0].n);
  } finally {
    await owner.end();
  }
}

interface Case {
  key: string;
  label: string;
  run: (i: number) => Promise<number>;
}

function measuresBatch(base: number, batch: number) {
  return Array.from({ length: INGEST_BATCH }, (_, i) => ({
    measuredAt: new Date(base + (batch * INGEST_BATCH + i) * 1000),
    type: "temperature",
    name: "temperature",
    values: { temperature: Math.round((19 + Math.random() * 6) * 100) / 100 },
  }));
}

async function main() {
  const tenantId = await setUp();
  const twins = await fillAssets(tenantId);
  const loaded = await fillMeasures(tenantId, twins);

  const tenant = <T>(fn: (db: TenantDb) => Promise<T>) => withTenant(tenantId, fn);
  const query = (input: QueryInput) => tenant((db) => getMeasures(db, ZAssetMeasuresQuerySchema.parse(input), NOW));
  const yearAgo = new Date(NOW.getTime() - 365 * DAY_MS);
  const dayInput = (i: number): QueryInput => {
    const from = new Date(NOW.getTime() - (1 + ((i * 7) % (HOT_DAYS - 1))) * DAY_MS);
    return { assetId: twins.hot[i % HOT] as string, from, to: new Date(from.getTime() + DAY_MS), limit: 1000 };
  };
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const randomIds = () => Array.from({ length: 100 }, () => twins.all[Math.floor(random() * twins.all.length)] as string);

  const cases: Case[] = [
    {
      key: "a",
      label: "hot asset, 1 year, 500 buckets",
      run: async (i) => {
        const r = await query({ assetId: twins.hot[i % HOT] as string, from: yearAgo, to: NOW, bucket: { points: 500 } });
        return r.kind === "buckets" ? r.buckets.length : -1;
      },
    },
    {
      key: "b",
      label: "mGetLastMeasures, 100 assets",
      run: async () => {
        const ids = randomIds();
        const r = await tenant((db) => mGetLastMeasures(db, "assets", ids));
        return Object.keys(r).length;
      },
    },
    {
      key: "c",
      label: "hot asset, 1 day raw, limit 1000",
      run: async (i) => {
        const r = await query(dayInput(i));
        return r.kind === "raw" ? r.items.length : -1;
      },
    },
  ];

  const results: { c: Case; p50: number; p95: number; max: number; rows: number; pass: boolean }[] = [];
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) await c.run(i + 1000);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      rows += await c.run(i);
      times.push(ms(t0));
    }
    const s = stats(times);
    results.push({ c, ...s, rows: rows / RUNS, pass: s.p95 < TARGET_MS });
  }

  // (d) ingestion: ingestMeasures (the real path, input checked by its schema) against the
  // same rows in one INSERT ... SELECT FROM unnest per batch, as the app role under RLS.
  const base = NOW.getTime() - 3 * DAY_MS;
  const ingestTimes: number[] = [];
  let ingestTotal = 0;
  for (let b = 0; b < INGEST_WARMUP + INGEST_BATCHES; b++) {
    const batch = measuresBatch(base, b);
    const t0 = performance.now();
    const r = await tenant((db) =>
      ingestMeasures(db, "commons", {
        source: { kind: "api", assetId: twins.ingest },
        measures: ZMeasureBatchSchema.parse(batch),
      }),
    );
    const t = ms(t0);
    if (r.inserted !== INGEST_BATCH) throw new Error(`ingestMeasures inserted ${r.inserted} of ${INGEST_BATCH}`);
    if (b >= INGEST_WARMUP) {
      ingestTimes.push(t);
      ingestTotal += t;
    }
  }
  const app = new pg.Client({ connectionString: urls.app });
  await app.connect();
  const rawTimes: number[] = [];
  let rawTotal = 0;
  try {
    for (let b = 0; b < INGEST_WARMUP + INGEST_BATCHES; b++) {
      const batch = measuresBatch(base, b);
      const t0 = performance.now();
      await rawInsert(
        app,
        tenantId,
        `INSERT INTO measures (tenant_id, measured_at, type, name, values, asset_id, slot, origin_type, origin_id, payload_id)
         SELECT $1::uuid, m.measured_at, m.type, m.name, m.values, $2::uuid, m.slot, 'api', $2::uuid, ''
         FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::jsonb[], $7::text[]) AS m(measured_at, type, name, values, slot)
         ON CONFLICT DO NOTHING`,
        [
          tenantId,
          twins.raw,
          batch.map((m) => m.measuredAt),
          batch.map((m) => m.type),
          batch.map((m) => m.name),
          batch.map((m) => JSON.stringify(m.values)),
          batch.map((m) => m.name),
        ],
        INGEST_BATCH,
      );
      const t = ms(t0);
      if (b >= INGEST_WARMUP) {
        rawTimes.push(t);
        rawTotal += t;
      }
    }
  } finally {
    await app.end();
  }
  const ingestRate = (INGEST_BATCHES * INGEST_BATCH) / (ingestTotal / 1000);
  const rawRate = (INGEST_BATCHES * INGEST_BATCH) / (rawTotal / 1000);
  const ratio = ingestRate / rawRate;
  const ingestPass = ratio >= 0.5;

  console.log(
    `\nmeasures, ${int(loaded)} rows (BENCH_MEASURES=${int(TOTAL)}; ${HOT} hot assets x ${HOT_DAYS} days), ` +
      `${int(twins.all.length)} assets in one tenant; ${RUNS} timed runs after ${WARMUP} warm-up; ` +
      `ingestion ${INGEST_BATCHES} batches of ${int(INGEST_BATCH)} after ${INGEST_WARMUP} warm-up`,
  );
  const header = ["case", "p50 ms", "p95 ms", "max ms", "rows or /s", "check", "result"];
  const rows = [
    ...results.map((r) => [
      `${r.c.key} ${r.c.label}`,
      fmt(r.p50),
      fmt(r.p95),
      fmt(r.max),
      fmt(r.rows),
      `p95<${TARGET_MS}`,
      r.pass ? "PASS" : "FAIL",
    ]),
    (() => {
      const s = stats(ingestTimes);
      return [
        "d ingestMeasures, 1,000/batch",
        fmt(s.p50),
        fmt(s.p95),
        fmt(s.max),
        `${int(ingestRate)}/s`,
        `${(ratio * 100).toFixed(0)}% of raw>=50%`,
        ingestPass ? "PASS" : "FAIL",
      ];
    })(),
    (() => {
      const s = stats(rawTimes);
      return ["d raw INSERT unnest (ceiling)", fmt(s.p50), fmt(s.p95), fmt(s.max), `${int(rawRate)}/s`, "", ""];
    })(),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((s, i) => (i === 0 ? s.padEnd(widths[i] ?? 0) : s.padStart(widths[i] ?? 0))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));

  // EXPLAIN as the application role, tenant set, so row-level security applies.
  const toExplain = results.filter((r) => EXPLAIN_ALL || !r.pass);
  for (const r of toExplain) {
    capture = [];
    await r.c.run(0);
    const statements = capture;
    capture = null;
    await printPlans(urls.app, tenantId, `${r.c.key} ${r.c.label}`, statements);
  }

  // Ingestion: where one batch's time goes, statement by statement.
  if (EXPLAIN_ALL || !ingestPass) {
    capture = [];
    timing = true;
    const t0 = performance.now();
    await tenant((db) =>
      ingestMeasures(db, "commons", {
        source: { kind: "api", assetId: twins.ingest },
        measures: ZMeasureBatchSchema.parse(measuresBatch(base, INGEST_WARMUP + INGEST_BATCHES)),
      }),
    );
    const total = ms(t0);
    const statements = capture;
    capture = null;
    timing = false;
    const inDb = statements.reduce((sum, s) => sum + (s.ms ?? 0), 0);
    console.log(
      `\n-- ingestMeasures, one batch of ${int(INGEST_BATCH)}: ${fmt(total)} ms, ${statements.length} statements, ` +
        `${fmt(inDb)} ms waiting on them, ${fmt(total - inDb)} ms in the process`,
    );
    for (const s of statements)
      console.log(`   ${fmt(s.ms ?? Number.NaN).padStart(7)} ms  ${s.text.replace(/\s+/g, " ").trim().slice(0, 110)}`);
  }
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error("bench failed:", error);
} finally {
  await disconnect().catch(() => {});
}
process.exit(failed ? 1 : 0);
