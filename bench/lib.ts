import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import pg from "pg";

// Shared by the benchmarks: percentiles, EXPLAIN (ANALYZE, BUFFERS) of captured
// statements run as the application role with the tenant set (so row-level security
// applies exactly as in the timed runs), the bench database, and small helpers for the
// process benches (ports, resident memory, tables).

export type Captured = { text: string; values: unknown[] };

export function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function stats(times: number[]) {
  const sorted = [...times].sort((x, y) => x - y);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN };
}

export async function printPlans(appUrl: string, tenantId: string, label: string, statements: Captured[], headLines = 16) {
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    for (const [n, s] of statements.entries()) {
      await app.query("BEGIN");
      try {
        await app.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
        const plan = await app.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
        const planLines = plan.rows.map((x) => x["QUERY PLAN"]);
        console.log(`\n-- plan: ${label}${statements.length > 1 ? ` (statement ${n + 1}/${statements.length})` : ""}`);
        console.log(`   ${s.text.replace(/\s+/g, " ").trim().slice(0, 400)}`);
        console.log(`   params: ${JSON.stringify(s.values).slice(0, 200)}`);
        const head = planLines.slice(0, headLines);
        for (const l of head) console.log(`   ${l}`);
        if (planLines.length > head.length) {
          console.log("   ...");
          for (const l of planLines.filter((l) => /^(Planning|Execution) Time/.test(l))) console.log(`   ${l}`);
        }
      } finally {
        await app.query("ROLLBACK");
      }
    }
  } finally {
    await app.end();
  }
}

/**
 * The benchmark's own database (dropped and made again on every run): its URLs from
 * BENCH_DATABASE_* or the defaults, set as the app's DATABASE_* before @iot/db is loaded
 * (it reads them once). Refuses the development and test databases.
 */
export function benchDatabase(defaultName: string) {
  const host = process.env.PGHOST_BENCH ?? "127.0.0.1:5432";
  const name = process.env.BENCH_DATABASE ?? defaultName;
  const urls = {
    app: process.env.BENCH_DATABASE_URL ?? `postgres://iot_app:iot_app@${host}/${name}`,
    owner: process.env.BENCH_DATABASE_OWNER_URL ?? `postgres://iot_owner:iot_owner@${host}/${name}`,
    admin: process.env.BENCH_DATABASE_ADMIN_URL ?? `postgres://postgres@${host}/postgres`,
  };
  const dbName = new URL(urls.app).pathname.slice(1);
  if (["iot", "iot_test", "iot_test_me", "iot_test_e2e", "postgres"].includes(dbName)) {
    console.error(`bench: refusing to drop and recreate database "${dbName}"; give a dedicated one`);
    process.exit(2);
  }
  process.env.DATABASE_URL = urls.app;
  process.env.DATABASE_OWNER_URL = urls.owner;
  process.env.DATABASE_ADMIN_URL = urls.admin;
  return { urls, dbName };
}

/** Drops and makes the database again, with every migration; prints how long it took. */
export async function freshDatabase(urls: { app: string; owner: string; admin: string }, dbName: string) {
  const { ensureDatabase } = await import("../packages/db/src/bootstrap");
  const { applyMigrations } = await import("../packages/db/src/apply-migrations");
  const t0 = performance.now();
  await ensureDatabase(urls.admin, urls.owner, urls.app, { fresh: true });
  const applied = await applyMigrations(urls.owner);
  console.log(`database ${dbName}: created, ${applied.length} migration(s) applied in ${(performance.now() - t0).toFixed(1)} ms`);
}

export const int = (n: number) => Math.round(n).toLocaleString("en-US");
/** kB as MB. */
export const mb = (kb: number) => `${int(kb / 1024)} MB`;

/** A free TCP port on 127.0.0.1 (free when asked: taken by whoever listens first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Resident memory (kB, VmRSS) of a process and of its descendants; 0 once it has gone. */
export function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return 0;
  }
  let total = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0);
  try {
    for (const task of readdirSync(`/proc/${pid}/task`))
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean))
        total += rssKb(Number(child));
  } catch {
    // gone meanwhile, or a kernel without the children file: the process alone
  }
  return total;
}

/** Rows as aligned text: by `align` ("l" or "r" a column), else the first column left-aligned, the others right. */
export function formatTable(head: string[], rows: string[][], align?: string): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const left = (i: number) => (align ? align[i] === "l" : i === 0);
  const line = (cells: string[]) =>
    cells.map((c, i) => (left(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].map((l) => l.trimEnd());
}

/**
 * A raw-ceiling insert: `sql` in its own transaction as the application role with the
 * tenant set (row-level security applies as in the app); checks it inserted `expected`.
 */
export async function rawInsert(app: pg.Client, tenantId: string, sql: string, params: unknown[], expected: number) {
  await app.query("BEGIN");
  try {
    await app.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    const r = await app.query(sql, params);
    await app.query("COMMIT");
    if (r.rowCount !== expected) throw new Error(`raw insert inserted ${r.rowCount} of ${expected}`);
  } catch (e) {
    await app.query("ROLLBACK").catch(() => {});
    throw e;
  }
}
