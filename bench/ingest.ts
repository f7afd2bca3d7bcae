// Ingestion end to end, from an empty tenant: the real ingest webhook and worker (and the
// web app, if built) as child processes, loaded over HTTP by a separate process
// (bench/ingest-load.ts, autocannon) from 1,000 devices (bench-dev-<i>) of the `json`
// decoder, one temperature measure per payload. Cases, in this order:
//   steady   1,000 payloads/s (one a request) for BENCH_SECONDS: accept-to-queryable latency
//   single   one payload a request, as fast as it goes
//   batched  100 payloads a request (/batch)
//   multi    one payload of 100 measures of one device a request (a gateway, a device sending its buffer)
//   burst    10x single's persisted rate for BENCH_BURST_SECONDS: refusals, the backlog
//            and its drain, memory sampled every second
// For each: payloads/s and measures/s accepted (HTTP) and persisted (rows in `measures`,
// from load start until every payload of the case is settled), accept-to-queryable p50/p99
// (processed_at - received_at of its payloads), the drain time, HTTP p50/p99, peak RSS of
// ingest, worker and web, and the raw Postgres ceiling for the same number of rows
// (ingest-cases.ts) with the ratio. A table of every figure against its target ends it.
//
//   npm run bench:ingest     (BENCH_SECONDS=3 BENCH_BURST_SECONDS=5 npm run bench:ingest: a quick run)
//
// Uses its own database, iot_bench_ingest, dropped and recreated on every run, and its own
// queue prefix in Redis (removed at the end). Overrides: BENCH_DATABASE_URL,
// BENCH_DATABASE_OWNER_URL, BENCH_DATABASE_ADMIN_URL (as the other benches), REDIS_URL,
// BENCH_CASES (steady,single,batched,burst), BENCH_SECONDS (load per case, 15),
// BENCH_CONNECTIONS (single and batched, 50), BENCH_STEADY_RATE (1000),
// BENCH_STEADY_CONNECTIONS (200), BENCH_WARMUP_SECONDS (a load at 500/s first, not counted: 2), BENCH_BURST_SECONDS (30), BENCH_BURST_FACTOR (10),
// BENCH_BURST_RATE (payloads/s; needed if single is not run), BENCH_BURST_CONNECTIONS (200),
// BENCH_DRAIN_TIMEOUT (s, 300), BENCH_WORKER_CONCURRENCY (the worker's WORKER_CONCURRENCY),
// BENCH_INGEST_RATE_PER_MINUTE (the webhook's per-key limit, 100,000,000: no 429 unless
// lowered), BENCH_WEB=0 (no web process even if built).
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import * as cases from "./ingest-cases";
import type { LoadResult } from "./ingest-load";
import { benchDatabase, benchTenant, dropPrefix, freePort, int, mb, processGroup, startIngestAndWorker } from "./lib";

// Before @iot/db is loaded: it reads these once (the children inherit them).
const { urls, dbName } = benchDatabase("iot_bench_ingest");

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SECONDS = env("BENCH_SECONDS", 15);
const CONNECTIONS = env("BENCH_CONNECTIONS", 50);
const STEADY_RATE = env("BENCH_STEADY_RATE", 1000);
const STEADY_CONNECTIONS = env("BENCH_STEADY_CONNECTIONS", 200);
const WARMUP_SECONDS = env("BENCH_WARMUP_SECONDS", 2);
const BURST_SECONDS = env("BENCH_BURST_SECONDS", 30);
const BURST_FACTOR = env("BENCH_BURST_FACTOR", 10);
const BURST_CONNECTIONS = env("BENCH_BURST_CONNECTIONS", 200);
const DRAIN_TIMEOUT_MS = env("BENCH_DRAIN_TIMEOUT", 300) * 1000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `iot-bench-${randomUUID().slice(0, 8)}`;
const ALL_CASES = ["steady", "single", "batched", "multi", "burst"] as const;
/** Measures in each payload of a case: `multi` posts payloads of 100 measures, the others of one. */
const MEASURES_PER_PAYLOAD: Record<string, number> = { multi: 100 };
type CaseName = (typeof ALL_CASES)[number];
const CASES = (process.env.BENCH_CASES?.split(",") ?? ALL_CASES).map((c) => c.trim()) as CaseName[];
for (const c of CASES) if (!ALL_CASES.includes(c)) throw new Error(`BENCH_CASES: unknown case "${c}"`);
if (CASES.includes("burst") && !CASES.includes("single") && !process.env.BENCH_BURST_RATE)
  throw new Error("burst takes its rate from single: run single too, or give BENCH_BURST_RATE");
/** Each case's measures are in their own half hour before the start, the raw ceiling's in another: counted apart. */
const WINDOW_MS = 30 * 60_000;
const T0 = Math.floor(Date.now() / 1000) * 1000;

const { disconnect } = await import("@iot/db");
const { PAYLOAD_QUEUES } = await import("@iot/core");

/** ingest and worker (an exit is a crash: the bench stops rather than wait), web (the bench goes on without it), the load. */
const group = processGroup();
const { alive } = group;
const webGone = () => group.gone("web");

/**
 * The web app's production server (`next start`, as scripts/start.mjs runs it) if it is
 * built, signed in for the live subscription; else (or if it fails) why not: the bench
 * goes on without it.
 */
async function startWeb(email: string, password: string): Promise<{ web: Ctx["web"]; pid?: number; note: string }> {
  if (process.env.BENCH_WEB === "0") return { web: null, note: "web: not started (BENCH_WEB=0), RSS not measured" };
  if (!existsSync("apps/web/.next/BUILD_ID")) return { web: null, note: "web: not built (npm run build), RSS not measured" };
  const nextBin = createRequire(resolve("apps/web/package.json")).resolve("next/dist/bin/next");
  const port = await freePort();
  const child = group.start("web", [nextBin, "start", "-p", String(port)], {
    cwd: "apps/web",
    env: { REDIS_URL, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    as: "optional",
  });
  const url = `http://127.0.0.1:${port}`;
  const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
  try {
    await group.waitHealthy("web", `${url}/healthz`, 120);
  } catch (e) {
    alive();
    await group.stop(child);
    return { web: null, note: `web: did not start (${why(e)}), RSS not measured` };
  }
  try {
    const session = await cases.webLogin(url, email, password);
    return {
      web: { url, session },
      pid: child.pid,
      note: `web on ${port}, signed in; a live subscription open during each case`,
    };
  } catch (e) {
    return {
      web: { url, session: null },
      pid: child.pid,
      note: `web on ${port}: no live subscription, sign-in failed: ${why(e)}`,
    };
  }
}

const runLoad = (args: string[]) => group.runLoad<LoadResult>(args);

interface Ctx {
  db: pg.Client;
  tenantId: string;
  token: string;
  url: string;
  pids: Record<string, number | undefined>;
  web: { url: string; session: string | null } | null;
  watch: Omit<cases.Watch, "since">;
}
interface Spec {
  name: CaseName;
  seconds: number;
  connections: number;
  /** Requests/s in all (autocannon's overallRate); none: as fast as it goes. */
  rate?: number;
}

/** One case: the load (its own process) with a live subscription open, the drain, the raw ceiling; prints its figures. */
async function runCase(ctx: Ctx, spec: Spec): Promise<cases.Row> {
  const k = ALL_CASES.indexOf(spec.name);
  const base = T0 - (ALL_CASES.length - k) * WINDOW_MS;
  const rawBase = T0 - (2 * ALL_CASES.length - k) * WINDOW_MS;
  const since = (await ctx.db.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]?.t as Date;
  const live = ctx.web?.session && !webGone() ? cases.subscribeLive(ctx.web.url, ctx.web.session, ctx.tenantId) : null;
  const sampler = cases.startSampler(ctx.pids, spec.name === "burst" ? { ...ctx.watch, since } : undefined);
  const rssBefore = sampler.now();
  const load = await runLoad([
    ...["--case", spec.name, "--url", ctx.url, "--key", ctx.token, "--base", String(base)],
    ...["--seconds", String(spec.seconds), "--connections", String(spec.connections), "--rate", String(spec.rate ?? 0)],
  ]);
  const rssLoadEnd = sampler.now();
  const loadS = (load.end - load.start) / 1000;
  const acceptedPerS = load.accepted / loadS;
  const rate = spec.rate ? `, offered ${int(spec.rate)} requests/s` : "";
  console.log(`\n${spec.name}: ${int(load.requests)} requests in ${loadS.toFixed(1)} s${rate}, ${int(load.ok)} 2xx`);
  if (Object.keys(load.non2xx).length || load.errors || load.timeouts)
    console.log(`  non-2xx ${JSON.stringify(load.non2xx)}, errors ${load.errors}, timeouts ${load.timeouts}`);
  const perPayload = MEASURES_PER_PAYLOAD[spec.name] ?? 1;
  console.log(`  accepted:  ${int(acceptedPerS)} payloads/s, ${int(acceptedPerS * perPayload)} measures/s`);

  await cases.drain(ctx.db, ctx.tenantId, since, DRAIN_TIMEOUT_MS, alive);
  const { peak: rss, samples, end: rssEnd } = await sampler.stop();
  // the web sends live measures in batches every 250 ms: the last one reaches the subscriber
  if (live) await sleep(600);
  const liveStats = await live?.();
  const window = { from: base, to: base + WINDOW_MS };
  const { states, settledAt, persisted } = await cases.counts(ctx.db, ctx.tenantId, since, window);
  const latency = await cases.acceptToQueryable(ctx.db, ctx.tenantId, since);
  const drainEnd = Math.max(load.end, settledAt);
  const persistedPerS = persisted / ((drainEnd - load.start) / 1000);
  const drainS = (drainEnd - load.end) / 1000;
  console.log(
    `  persisted: ${int(persistedPerS / perPayload)} payloads/s, ${int(persistedPerS)} measures/s; payloads ${JSON.stringify(states)}`,
  );
  const ms = (n: number) => `${int(n)} ms`;
  console.log(
    `  accept to queryable: p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)} (${int(latency.n)} payloads)`,
  );
  console.log(`  drained ${drainS.toFixed(1)} s after the load; HTTP p50 ${load.p50} ms, p99 ${load.p99} ms`);
  const raw = await cases.rawCeiling(urls.app, ctx.tenantId, persisted, rawBase);
  const ratio = persistedPerS / raw.perS;
  console.log(
    `  raw ceiling: ${int(raw.rows)} rows in ${raw.seconds.toFixed(2)} s, ${int(raw.perS)} rows/s; ` +
      `persisted/raw ${(ratio * 100).toFixed(0)}%`,
  );
  const peaks = Object.entries(rss).map(([name, kb]) => `${name} ${mb(kb)}`);
  console.log(`  peak RSS: ${peaks.join(", ")}`);
  if (liveStats)
    console.log(
      `  live: ${liveStats.open ? "subscription open" : "subscription NOT open"}, ${int(liveStats.messages)} messages, ` +
        `${int(liveStats.measures)} measures to the web subscriber${liveStats.error ? `; error: ${liveStats.error}` : ""}`,
    );
  const row: cases.Row = {
    ...{ name: spec.name, spec, load, acceptedPerS, perPayload, persisted, persistedPerS, drainS, states, latency, raw, ratio },
    ...{ rss, rssBefore, rssLoadEnd, rssEnd, samples, live: liveStats ?? null },
  };
  if (spec.name === "burst") cases.printBurst(row);
  console.log(
    `  measures: ${int(persisted)} persisted, ${int(load.accepted)} accepted: ${persisted === load.accepted ? "ok" : "MISMATCH"}`,
  );
  return row;
}

/** A short load at 500 payloads/s, drained, not counted: connections, pools and JIT warm before steady. */
async function warmUp(ctx: Ctx) {
  if (WARMUP_SECONDS <= 0) return;
  const since = (await ctx.db.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]?.t as Date;
  const base = String(T0 - (2 * ALL_CASES.length + 1) * WINDOW_MS);
  await runLoad([
    ...["--case", "steady", "--url", ctx.url, "--key", ctx.token, "--base", base],
    ...["--seconds", String(WARMUP_SECONDS), "--connections", "50", "--rate", "500"],
  ]);
  await cases.drain(ctx.db, ctx.tenantId, since, DRAIN_TIMEOUT_MS, alive);
  console.log(`warm-up: ${WARMUP_SECONDS} s at 500 payloads/s, drained (not counted)`);
}

/** Stops every child, removes the queue prefix's keys from Redis, closes the pools (once). */
let cleaning: Promise<void> | undefined;
const cleanUp = (redis: Redis, queues: Queue[]) =>
  (cleaning ??= (async () => {
    await group.stopAll();
    await Promise.all(queues.map((q) => q.close().catch(() => {})));
    await dropPrefix(redis, PREFIX);
    redis.disconnect();
    await disconnect();
  })());

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const queues = PAYLOAD_QUEUES.map((name) => new Queue(name, { connection: redis, prefix: PREFIX }));
process.once("SIGINT", () => void cleanUp(redis, queues).finally(() => process.exit(130)));
const owner = new pg.Client({ connectionString: urls.owner });
try {
  const { tenantId, token, email, password } = await benchTenant(urls, dbName, "Bench Ingest");
  // BENCH_PROFILE=<dir>: CPU profiles of ingest and worker, written there when they stop
  const { url, ingestPort, workerPort, ingest, worker, healthy } = await startIngestAndWorker(group, {
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    workerConcurrency: process.env.BENCH_WORKER_CONCURRENCY,
    ingestRatePerMinute: process.env.BENCH_INGEST_RATE_PER_MINUTE ?? "100000000",
  });
  const [{ web, pid: webPid, note: webNote }] = await Promise.all([startWeb(email, password), healthy]);
  console.log(`ingest on ${ingestPort}, worker health on ${workerPort}, queue prefix ${PREFIX}`);
  console.log(webNote);
  await owner.connect();
  const pids = { ingest: ingest.pid, worker: worker.pid, ...(web ? { web: webPid } : {}) };
  const ctx: Ctx = { db: owner, tenantId, token, url, pids, web, watch: { queues, redis, db: owner, tenantId } };
  await warmUp(ctx);
  const rows: cases.Row[] = [];
  for (const name of ALL_CASES.filter((c) => CASES.includes(c))) {
    const spec: Spec =
      name === "steady"
        ? { name, seconds: SECONDS, connections: STEADY_CONNECTIONS, rate: STEADY_RATE }
        : name === "burst"
          ? { name, seconds: BURST_SECONDS, connections: BURST_CONNECTIONS, rate: burstRate(rows) }
          : { name, seconds: SECONDS, connections: CONNECTIONS };
    rows.push(await runCase(ctx, spec));
  }
  const webStatus = web ? (webGone() ?? (web.session ? null : webNote)) : webNote;
  cases.printReport(rows, { webNote: webStatus, burstFactor: BURST_FACTOR });
} finally {
  await owner.end().catch(() => {});
  await cleanUp(redis, queues);
}

/** BENCH_BURST_RATE, else BURST_FACTOR times the sustainable single rate: single's persisted payloads/s. */
function burstRate(rows: cases.Row[]): number {
  if (process.env.BENCH_BURST_RATE) return Number(process.env.BENCH_BURST_RATE);
  const single = rows.find((r) => r.name === "single");
  if (!single) throw new Error("burst: no single case to take the sustainable rate from");
  const rate = Math.round(BURST_FACTOR * single.persistedPerS);
  console.log(`\nburst: ${BURST_FACTOR} x single's persisted ${int(single.persistedPerS)} payloads/s = ${int(rate)} payloads/s`);
  return rate;
}
