import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import pg from "pg";

// Shared by the benchmarks: percentiles, EXPLAIN (ANALYZE, BUFFERS) of captured
// statements run as the application role with the tenant set (so row-level security
// applies exactly as in the timed runs), the bench database, and small helpers for the
// process benches (ports, resident memory, tables, the child processes, a tenant with an
// ingest key, the queue prefix's keys).

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

/**
 * A fresh bench database (freshDatabase) with an empty tenant of `group` (commons unless
 * given: a group brings its asset models), an admin member and an ingest key of theirs
 * (payloads:write); returns the tenant's id and group, the key, the member's id, e-mail and password.
 */
export async function benchTenant(
  urls: { app: string; owner: string; admin: string },
  dbName: string,
  name: string,
  group = "commons",
) {
  await freshDatabase(urls, dbName);
  const { withPlatform } = await import("@iot/db");
  const { createTenant, ensureDecoderModels, hashPassword, hashToken, newToken } = await import("@iot/core");
  const password = randomUUID();
  const passwordHash = await hashPassword(password);
  return withPlatform(async (db) => {
    await ensureDecoderModels(db);
    const tenant = await createTenant(db, { name, group });
    const userId = randomUUID();
    const email = `${userId}@bench.test`;
    const token = newToken("apiKey");
    await db.user.create({ data: { id: userId, email, name: "bench", passwordHash } });
    await db.membership.create({ data: { tenantId: tenant.id, userId, profiles: ["admin"] } });
    const key = { name: "bench ingest", tokenHash: hashToken(token), prefix: token.slice(0, 12), tenantId: tenant.id };
    await db.apiKey.create({ data: { ...key, userId, permissions: ["payloads:write"] } });
    return { tenantId: tenant.id, group, token, userId, email, password };
  });
}

/**
 * The child processes of a process bench (node, with the bench's environment). Each is
 * started `as`: "required" (ingest, worker: exiting before the end is a crash, and
 * `alive()` throws from then on), "optional" (web: its exit is noted, `gone(name)`) or
 * "ends" (the load, which exits by itself).
 */
export function processGroup() {
  const children = new Set<ChildProcess>();
  const gone = new Map<string, string>();
  let crashed: string | null = null;
  let stopping = false;

  function start(
    name: string,
    args: string[],
    opts: { env?: Record<string, string>; cwd?: string; stdout?: "pipe"; as?: "required" | "optional" | "ends" } = {},
  ) {
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", opts.stdout ?? "ignore", "inherit"],
    });
    children.add(child);
    child.once("exit", (code, signal) => {
      children.delete(child);
      if (stopping || opts.as === "ends") return;
      const why = `${name} exited (${signal ?? code})`;
      if (opts.as === "optional") gone.set(name, why);
      else crashed = why;
    });
    return child;
  }

  async function stop(child: ChildProcess) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    if ((await Promise.race([exited, sleep(15_000, "timeout")])) === "timeout") child.kill("SIGKILL");
  }

  /** Throws if a required process has exited. */
  const alive = () => {
    if (crashed) throw new Error(crashed);
  };

  async function waitHealthy(name: string, url: string, seconds = 60) {
    for (let i = 0; i < seconds * 4; i++) {
      alive();
      const why = gone.get(name);
      if (why) throw new Error(why);
      if ((await fetch(url).catch(() => null))?.ok) return;
      await sleep(250);
    }
    throw new Error(`${name} not healthy after ${seconds} s: ${url}`);
  }

  /** bench/ingest-load.ts in its own process with these arguments; its result (its last line, JSON). */
  async function runLoad<T>(args: string[]): Promise<T> {
    const child = start("load", ["--import", "tsx", "bench/ingest-load.ts", ...args], { stdout: "pipe", as: "ends" });
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`the load exited with ${code}`);
    return JSON.parse(out.trim().split("\n").at(-1) as string) as T;
  }

  /** Stops every child (their exits are no crash from now on). */
  async function stopAll() {
    stopping = true;
    await Promise.all([...children].map(stop));
  }

  return { start, stop, alive, gone: (name: string) => gone.get(name) ?? null, waitHealthy, runLoad, stopAll };
}
export type ProcessGroup = ReturnType<typeof processGroup>;

/**
 * The real ingest webhook and worker (apps/ingest, apps/worker) as required children, on
 * free ports, with their own queue prefix; `healthy` resolves once both answer /healthz.
 * BENCH_PROFILE=<dir>: CPU profiles of both, written there when they stop.
 */
export async function startIngestAndWorker(
  group: ProcessGroup,
  opts: { redisUrl: string; prefix: string; workerConcurrency?: string; ingestRatePerMinute: string },
) {
  const [ingestPort, workerPort] = [await freePort(), await freePort()];
  const common = { REDIS_URL: opts.redisUrl, QUEUE_PREFIX: opts.prefix };
  const profile = (app: string) =>
    process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir", `${process.env.BENCH_PROFILE}/${app}`] : [];
  const concurrency: Record<string, string> = opts.workerConcurrency ? { WORKER_CONCURRENCY: opts.workerConcurrency } : {};
  // BENCH_SPLIT_WORKERS=1: the rules engine's queues in a second worker process
  const split = process.env.BENCH_SPLIT_WORKERS === "1";
  const worker = group.start("worker", [...profile("worker"), "--import", "tsx", "apps/worker/src/main.ts"], {
    env: {
      ...common,
      WORKER_HEALTH_PORT: String(workerPort),
      ...concurrency,
      ...(split ? { WORKER_QUEUES: "payloads,maintenance" } : {}),
    },
  });
  const rulesPort = split ? await freePort() : null;
  if (rulesPort)
    group.start("rules-worker", [...profile("rules-worker"), "--import", "tsx", "apps/worker/src/main.ts"], {
      env: { ...common, WORKER_HEALTH_PORT: String(rulesPort), WORKER_QUEUES: "rules,rule-runs,schedules", ...concurrency },
    });
  const ingest = group.start("ingest", [...profile("ingest"), "--import", "tsx", "apps/ingest/src/main.ts"], {
    env: { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_PER_MINUTE: opts.ingestRatePerMinute },
  });
  const url = `http://127.0.0.1:${ingestPort}`;
  const healthy = Promise.all([
    group.waitHealthy("ingest", `${url}/healthz`),
    group.waitHealthy("worker", `http://127.0.0.1:${workerPort}/healthz`),
    ...(rulesPort ? [group.waitHealthy("rules-worker", `http://127.0.0.1:${rulesPort}/healthz`)] : []),
  ]).then(() => undefined);
  return { url, ingestPort, workerPort, ingest, worker, healthy };
}

/** Removes every Redis key of a queue prefix (a bench's private queues). */
export async function dropPrefix(redis: Redis, prefix: string) {
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
    if ((keys as string[]).length) await redis.unlink(...(keys as string[]));
}
