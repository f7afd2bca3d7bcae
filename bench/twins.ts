// Asset search at scale: N assets (default 100,000) in one tenant, timed through the
// real code path (withTenant + searchAssets) against the target of p95 < 100 ms.
//
//   npm run bench:twins            (BENCH_ASSETS=20000 npm run bench:twins for a quick run)
//
// Uses its own database, iot_bench, dropped and recreated on every run. Overrides:
// BENCH_DATABASE_URL, BENCH_DATABASE_OWNER_URL, BENCH_DATABASE_ADMIN_URL (all three
// must name the same database as the app and owner roles), BENCH_ASSETS, BENCH_RUNS,
// BENCH_WARMUP, BENCH_TARGET_MS, BENCH_EXPLAIN=all (plans for every case, not only misses).
import { performance } from "node:perf_hooks";
import pg from "pg";
import { type Captured, benchDatabase, freshDatabase, percentile, printPlans } from "./lib";

// Before @iot/db is loaded: it reads these once.
const { urls, dbName } = benchDatabase("iot_bench");

const N = Number(process.env.BENCH_ASSETS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const TARGET_MS = Number(process.env.BENCH_TARGET_MS ?? 100);
const EXPLAIN_ALL = process.env.BENCH_EXPLAIN === "all";
const LIMIT = 50;

const BUILDINGS = [
  "Atlas",
  "Borealis",
  "Cedar",
  "Delta",
  "Elm",
  "Falcon",
  "Granite",
  "Harbor",
  "Iris",
  "Juniper",
  "Kestrel",
  "Linden",
  "Maple",
  "Nova",
  "Oak",
  "Pine",
  "Quartz",
  "Rowan",
  "Sequoia",
  "Tamarack",
];

// Records the SQL the application sends (Prisma's pg adapter runs every query through
// pg.Client#query), so EXPLAIN runs on exactly the statements that were timed.
let capture: Captured[] | null = null;
const originalQuery = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: wrapping pg's overloaded query()
(pg.Client.prototype as any).query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  if (capture && config && typeof config === "object" && "text" in config) {
    const { text, values } = config as { text: string; values?: unknown[] };
    if (/^\s*SELECT/i.test(text) && !text.includes("set_config")) capture.push({ text, values: values ?? [] });
  }
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return (originalQuery as any).call(this, config, ...rest);
};

const { withPlatform, withTenant, disconnect } = await import("@iot/db");
const { createTenant, searchAssets, ZTwinSearchSchema } = await import("@iot/core");

type SearchInput = Parameters<typeof ZTwinSearchSchema.parse>[0];

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => n.toFixed(1);

async function setUp(): Promise<string> {
  await freshDatabase(urls, dbName);
  const tenant = await withPlatform((db) => createTenant(db, { name: "Bench Commons", group: "commons" }));
  return tenant.id;
}

// Bulk fill as the owner role (BYPASSRLS): a few INSERT ... SELECT over generate_series.
async function fill(tenantId: string) {
  const owner = new pg.Client({ connectionString: urls.owner });
  await owner.connect();
  try {
    const t0 = performance.now();
    await owner.query("SELECT setseed(0.42)");
    const batch = 25_000;
    for (let from = 1; from <= N; from += batch) {
      const to = Math.min(N, from + batch - 1);
      await owner.query(
        `INSERT INTO assets (id, tenant_id, model, reference, metadata, last_seen_at, created_at, updated_at)
         SELECT gen_random_uuid(), $1::uuid, 'Room',
                format('%s-F%s-R%s', upper(left(b.name, 3)), lpad(f.floor::text, 2, '0'), lpad(i::text, 6, '0')),
                jsonb_build_object('building', b.name, 'floor', f.floor, 'area', round((8 + random() * 240)::numeric, 2)),
                CASE WHEN random() < 0.1 THEN NULL
                     ELSE now() - random() * interval '30 days' END,
                now() - random() * interval '365 days',
                now()
         FROM generate_series($2::int, $3::int) AS i
         CROSS JOIN LATERAL (SELECT ($4::text[])[1 + floor(random() * 20)::int + (i * 0)] AS name) b
         CROSS JOIN LATERAL (SELECT floor(random() * 31)::int + (i * 0) AS floor) f`,
        [tenantId, from, to, BUILDINGS],
      );
    }
    const inserted = ms(t0);
    await owner.query("VACUUM ANALYZE assets");
    const { rows } = await owner.query(
      "SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('assets')) AS size FROM assets WHERE tenant_id = $1",
      [tenantId],
    );
    console.log(
      `fill: ${rows[0].n} assets (${rows[0].size} with indexes) inserted in ${fmt(inserted)} ms, ` +
        `vacuum analyze ${fmt(ms(t0) - inserted)} ms, total ${fmt(ms(t0))} ms`,
    );
  } finally {
    await owner.end();
  }
}

interface Case {
  key: string;
  label: string;
  input: (run: number) => SearchInput;
}

async function main() {
  const tenantId = await setUp();
  await fill(tenantId);

  const search = (input: SearchInput) => withTenant(tenantId, (db) => searchAssets(db, ZTwinSearchSchema.parse(input)));

  // The 20th page of the last-seen sort: follow nextCursor through pages 1..19.
  const lastSeenDesc = { field: "lastSeenAt", order: "desc" } as const;
  let cursor: string | undefined;
  for (let page = 1; page < 20; page++) {
    const r = await search({ sort: lastSeenDesc, limit: LIMIT, cursor });
    if (!r.nextCursor) throw new Error(`last-seen pagination ended at page ${page}`);
    cursor = r.nextCursor;
  }
  const page20Cursor = cursor;

  // Fragments of existing references for free text: a few digits of the sequence number.
  const fragments = Array.from(
    { length: 50 },
    (_, k) =>
      `R${String(1 + ((k * 7919) % N))
        .padStart(6, "0")
        .slice(0, 5)}`,
  );

  const cases: Case[] = [
    {
      key: "a",
      label: "metadata eq building",
      input: (i) => ({
        filter: { metadata: { field: "building", op: "eq", value: BUILDINGS[i % BUILDINGS.length] } },
        limit: LIMIT,
      }),
    },
    {
      key: "b",
      label: "metadata floor >= 22..28",
      input: (i) => ({ filter: { metadata: { field: "floor", op: "gte", value: 22 + (i % 7) } }, limit: LIMIT }),
    },
    { key: "c", label: "lastSeenAt desc, page 1", input: () => ({ sort: lastSeenDesc, limit: LIMIT }) },
    { key: "d", label: "lastSeenAt desc, page 20", input: () => ({ sort: lastSeenDesc, limit: LIMIT, cursor: page20Cursor }) },
    {
      key: "e",
      label: "free text (reference part)",
      input: (i) => ({ filter: { text: fragments[i % fragments.length] as string }, limit: LIMIT }),
    },
    {
      key: "f",
      label: "(a) + withTotal",
      input: (i) => ({
        filter: { metadata: { field: "building", op: "eq", value: BUILDINGS[i % BUILDINGS.length] } },
        limit: LIMIT,
        withTotal: true,
      }),
    },
  ];

  const results: { c: Case; p50: number; p95: number; max: number; items: number; pass: boolean }[] = [];
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) await search(c.input(i + 1000));
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < RUNS; i++) {
      const input = c.input(i);
      const t0 = performance.now();
      const r = await search(input);
      times.push(ms(t0));
      items += r.items.length;
    }
    times.sort((x, y) => x - y);
    const p95 = percentile(times, 95);
    results.push({
      c,
      p50: percentile(times, 50),
      p95,
      max: times.at(-1) ?? Number.NaN,
      items: items / RUNS,
      pass: p95 < TARGET_MS,
    });
  }

  console.log(`\nasset search, ${N} assets in one tenant, ${RUNS} timed runs after ${WARMUP} warm-up, limit ${LIMIT}`);
  const header = ["case", "p50 ms", "p95 ms", "max ms", "rows", `p95<${TARGET_MS}`];
  const rows = results.map((r) => [
    `${r.c.key} ${r.c.label}`,
    fmt(r.p50),
    fmt(r.p95),
    fmt(r.max),
    fmt(r.items),
    r.pass ? "PASS" : "FAIL",
  ]);
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
    await search(r.c.input(0));
    const statements = capture;
    capture = null;
    await printPlans(urls.app, tenantId, `${r.c.key} ${r.c.label}`, statements, 14);
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
