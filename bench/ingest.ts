// Ingestion end to end: the real ingest webhook and worker as child processes, loaded
// over HTTP by a separate process (bench/ingest-load.ts, autocannon) from 1,000 devices
// (bench-dev-<i>) of the `json` decoder, one temperature measure per payload. Two cases:
// `single` (one payload a request) and `batched` (100 payloads a request, /batch). For
// each: payloads accepted per second (HTTP), then measures persisted per second (rows in
// `measures`, from load start until every payload of the case is settled), the drain time
// after the load, HTTP latency and the peak RSS of ingest and worker.
//
//   npm run bench:ingest           (BENCH_SECONDS=3 npm run bench:ingest for a quick run)
//
// Uses its own database, iot_bench_ingest, dropped and recreated on every run, and its own
// queue prefix in Redis (removed at the end). Overrides: BENCH_DATABASE_URL,
// BENCH_DATABASE_OWNER_URL, BENCH_DATABASE_ADMIN_URL (as the other benches), REDIS_URL,
// BENCH_SECONDS (load per case, 15), BENCH_CONNECTIONS (50), BENCH_DRAIN_TIMEOUT (s, 300),
// BENCH_WORKER_CONCURRENCY (the worker's WORKER_CONCURRENCY, its default if unset).
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import pg from "pg";
import type { LoadResult } from "./ingest-load";
import { benchDatabase, freshDatabase } from "./lib";

// Before @iot/db is loaded: it reads these once (the children inherit them).
const { urls, dbName } = benchDatabase("iot_bench_ingest");

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT ?? 300) * 1000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `iot-bench-${randomUUID().slice(0, 8)}`;
const CASES = ["single", "batched"] as const;
/** Each case's measures are in their own half hour before the start: counted apart. */
const WINDOW_MS = 30 * 60_000;
const T0 = Math.floor(Date.now() / 1000) * 1000;

const { withPlatform, disconnect } = await import("@iot/db");
const { createTenant, ensureDecoderModels, hashToken, newToken } = await import("@iot/core");

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (kb: number) => `${int(kb / 1024)} MB`;

/** An empty tenant and an ingest key for it (an admin member's key, payloads:write). */
async function setUp() {
  await freshDatabase(urls, dbName);
  return withPlatform(async (db) => {
    await ensureDecoderModels(db);
    const tenant = await createTenant(db, { name: "Bench Ingest", group: "commons" });
    const userId = randomUUID();
    const token = newToken("apiKey");
    await db.user.create({ data: { id: userId, email: `${userId}@bench.test`, name: "bench", passwordHash: "x" } });
    await db.membership.create({ data: { tenantId: tenant.id, userId, profiles: ["admin"] } });
    const key = { name: "bench ingest", tokenHash: hashToken(token), prefix: token.slice(0, 12), tenantId: tenant.id };
    await db.apiKey.create({ data: { ...key, userId, permissions: ["payloads:write"] } });
    return { tenantId: tenant.id, token };
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const children = new Set<ChildProcess>();
/** Set when ingest or worker exits before the end: the bench stops rather than wait. */
let crashed: string | null = null;
function start(name: string, args: string[], env: Record<string, string>, stdout: "ignore" | "pipe" = "ignore") {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", stdout, "inherit"],
  });
  children.add(child);
  child.once("exit", (code, signal) => {
    children.delete(child);
    if (name !== "load" && !cleaning) crashed = `${name} exited (${signal ?? code})`;
  });
  return child;
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  if ((await Promise.race([exited, sleep(15_000, "timeout")])) === "timeout") child.kill("SIGKILL");
}

async function waitHealthy(name: string, url: string) {
  for (let i = 0; i < 240; i++) {
    if (crashed) throw new Error(crashed);
    if ((await fetch(url).catch(() => null))?.ok) return;
    await sleep(250);
  }
  throw new Error(`${name} not healthy after 60 s: ${url}`);
}

/** Samples the peak resident memory (kB, VmRSS) of each process until the returned stop(). */
function sampleRss(pids: Record<string, number | undefined>) {
  const peak: Record<string, number> = {};
  const read = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const status = crashed ? "" : readFileSync(`/proc/${pid}/status`, "utf8");
      peak[name] = Math.max(peak[name] ?? 0, Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0));
    }
  };
  read();
  const timer = setInterval(read, 250);
  return () => {
    clearInterval(timer);
    read();
    return peak;
  };
}

async function runLoad(args: string[]): Promise<LoadResult> {
  const child = start("load", ["bench/ingest-load.ts", ...args], {}, "pipe");
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the load exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1) as string);
}

/** Waits until no payload received since `since` is RECEIVED any more. */
async function drain(db: pg.Client, tenantId: string, since: Date) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  const pending = `SELECT EXISTS (SELECT 1 FROM payloads WHERE tenant_id = $1 AND received_at >= $2 AND state = 'RECEIVED') AS p`;
  while ((await db.query<{ p: boolean }>(pending, [tenantId, since])).rows[0]?.p) {
    if (crashed) throw new Error(crashed);
    if (Date.now() > deadline) throw new Error(`pipeline not drained after ${DRAIN_TIMEOUT_MS / 1000} s`);
    await sleep(250);
  }
}

/** The case's payloads by state, when the last one was settled, and its measures (in its time window). */
async function counts(db: pg.Client, tenantId: string, since: Date, base: number) {
  const payloads = await db.query<{ state: string; n: number; done: number | null }>(
    `SELECT state, count(*)::int AS n, extract(epoch FROM max(processed_at)) * 1000 AS done
     FROM payloads WHERE tenant_id = $1 AND received_at >= $2 GROUP BY state`,
    [tenantId, since],
  );
  const measures = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM measures WHERE tenant_id = $1 AND measured_at >= $2 AND measured_at < $3",
    [tenantId, new Date(base), new Date(base + WINDOW_MS)],
  );
  return {
    states: Object.fromEntries(payloads.rows.map((r) => [r.state, r.n])),
    settledAt: Math.max(0, ...payloads.rows.map((r) => Number(r.done ?? 0))),
    persisted: measures.rows[0]?.n ?? 0,
  };
}

type Ctx = { tenantId: string; token: string; url: string; pids: Record<string, number | undefined> };

/** One case: the load (its own process), then the drain; prints and returns its figures. */
async function runCase(db: pg.Client, ctx: Ctx, k: number) {
  const name = CASES[k] as string;
  const base = T0 - (CASES.length - k) * WINDOW_MS;
  const since = (await db.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]?.t as Date;
  const stopRss = sampleRss(ctx.pids);
  const load = await runLoad([
    ...["--case", name, "--url", ctx.url, "--key", ctx.token, "--base", String(base)],
    ...["--seconds", String(SECONDS), "--connections", String(CONNECTIONS)],
  ]);
  const loadS = (load.end - load.start) / 1000;
  const acceptedPerS = load.accepted / loadS;
  console.log(`\n${name}: ${int(load.requests)} requests in ${loadS.toFixed(1)} s, ${int(load.ok)} 2xx`);
  if (Object.keys(load.non2xx).length || load.errors)
    console.log(`  non-2xx ${JSON.stringify(load.non2xx)}, errors ${load.errors}`);
  console.log(`  accepted:  ${int(acceptedPerS)} payloads/s, ${int(acceptedPerS)} measures/s`);

  await drain(db, ctx.tenantId, since);
  const rss = stopRss();
  const { states, settledAt, persisted } = await counts(db, ctx.tenantId, since, base);
  const drainEnd = Math.max(load.end, settledAt);
  const persistedPerS = persisted / ((drainEnd - load.start) / 1000);
  const row = { name, ...load, persisted, acceptedPerS, persistedPerS, drainS: (drainEnd - load.end) / 1000, rss };
  console.log(
    `  persisted: ${int(persistedPerS)} payloads/s, ${int(persistedPerS)} measures/s; payloads ${JSON.stringify(states)}`,
  );
  console.log(`  drained ${row.drainS.toFixed(1)} s after the load; HTTP p50 ${load.p50} ms, p99 ${load.p99} ms`);
  console.log(`  peak RSS: ingest ${mb(rss.ingest ?? 0)}, worker ${mb(rss.worker ?? 0)}`);
  console.log(`  measures: ${int(persisted)} persisted, ${int(load.accepted)} accepted: ${check(row)}`);
  return row;
}
type Row = Awaited<ReturnType<typeof runCase>>;
const check = (r: { persisted: number; accepted: number }) => (r.persisted === r.accepted ? "ok" : "MISMATCH");

function summary(rows: Row[]) {
  const head = "case|requests|accepted/s|persisted/s|drain s|p50 ms|p99 ms|ingest RSS|worker RSS|check".split("|");
  const lines = rows.map((r) => [
    ...[r.name, int(r.requests), int(r.acceptedPerS), int(r.persistedPerS), r.drainS.toFixed(1), String(r.p50), String(r.p99)],
    ...[mb(r.rss.ingest ?? 0), mb(r.rss.worker ?? 0), check(r)],
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const pad = (l: string[]) => l.map((c, i) => (i ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join("  ");
  console.log(`\nsummary: ${SECONDS} s of load per case, ${CONNECTIONS} connections; measures/s (one per payload)`);
  for (const l of [head, ...lines]) console.log(`  ${pad(l)}`);
}

/** Stops every child, removes the queue prefix's keys from Redis, closes the pools (once). */
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await Promise.all([...children].map(stop));
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    for await (const keys of redis.scanStream({ match: `${PREFIX}:*`, count: 1000 }))
      if ((keys as string[]).length) await redis.unlink(...(keys as string[]));
    redis.disconnect();
    await disconnect();
  })());
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

const owner = new pg.Client({ connectionString: urls.owner });
try {
  const { tenantId, token } = await setUp();
  const [ingestPort, workerPort] = [await freePort(), await freePort()];
  const common = { REDIS_URL, QUEUE_PREFIX: PREFIX };
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY;
  const worker = start("worker", ["apps/worker/src/main.ts"], {
    ...{ ...common, WORKER_HEALTH_PORT: String(workerPort) },
    ...(concurrency ? { WORKER_CONCURRENCY: concurrency } : {}),
  });
  const ingestEnv = { ...common, INGEST_PORT: String(ingestPort), INGEST_RATE_PER_MINUTE: "100000000" };
  const ingest = start("ingest", ["apps/ingest/src/main.ts"], ingestEnv);
  const url = `http://127.0.0.1:${ingestPort}`;
  await Promise.all([waitHealthy("ingest", `${url}/healthz`), waitHealthy("worker", `http://127.0.0.1:${workerPort}/healthz`)]);
  console.log(`ingest on ${ingestPort}, worker health on ${workerPort}, queue prefix ${PREFIX}`);
  await owner.connect();
  const ctx = { tenantId, token, url, pids: { ingest: ingest.pid, worker: worker.pid } };
  const rows: Row[] = [];
  for (const k of CASES.keys()) rows.push(await runCase(owner, ctx, k));
  summary(rows);
} finally {
  await owner.end().catch(() => {});
  await cleanUp();
}
