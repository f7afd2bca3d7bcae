// The rules engine under load: 1,000 enabled rules in one tenant while the real ingest
// webhook and worker (child processes, as bench:ingest runs them) take a steady 1,000
// payloads/s of the `json` decoder from 1,000 devices (bench-dev-<i>, bench/ingest-load.ts
// --profile rules: measures dated in real time, device i's k-th payload reads
// [36, 32, 32, 32, 20, ...][(k + i) % 10], a spike then three high readings out of ten).
//
// The rules, created through core (createRule) before the load, each about one device
// (device.reference eq bench-dev-<j>) of the json model, each raising an alert:
//   immediate  BENCH_RULES - BENCH_HOLD_RULES: temperature > 35, no debounce: a run on one
//              payload of ten of its device; its alert is raised once (then stays open)
//   holds-for  BENCH_HOLD_RULES: temperature > 30 for BENCH_HOLD_SECONDS, auto-clear: one
//              alert a stretch (every 10 payloads of its device), cleared when it ends
// Every rule is a candidate for every event (the engine indexes rules by event and model):
// 1,000 evaluations a payload.
//
// Prints: rule evaluations/s (QueueEvents on the "rules" queue: evaluations in the return
// values of evaluate-rules jobs), every second the depth of the "rules" and "rule-runs"
// queues and the pipeline's payload backlog upstream of them (payloads RECEIVED: the
// worker that evaluates rules also persists measures), whether they keep up (not growing
// during the load, all empty again within BENCH_KEEP_UP_SECONDS after it), runs and alerts, and the latency from measure persisted
// (its payload's processed_at) to alert raised (alerts.raised_at) and to run finished,
// p50/p99; for holds-for rules the latency beyond the debounce: raised_at minus the later
// of (stretch start + holdsFor) and the persisting of the payload that fired the rule.
//
//   npm run bench:rules      (BENCH_SECONDS=5 npm run bench:rules: a quick run)
//
// Uses its own database, iot_bench_rules, dropped and recreated on every run, and its own
// queue prefix in Redis (removed at the end). Overrides: BENCH_DATABASE_URL,
// BENCH_DATABASE_OWNER_URL, BENCH_DATABASE_ADMIN_URL, REDIS_URL, BENCH_RULES (1000),
// BENCH_HOLD_RULES (100), BENCH_HOLD_SECONDS (2), BENCH_RATE (payloads/s, 1000),
// BENCH_SECONDS (20), BENCH_CONNECTIONS (200), BENCH_WARMUP_SECONDS (at 500/s, readings
// that fire nothing, not counted: 2), BENCH_DRAIN_TIMEOUT (s, 180), BENCH_KEEP_UP_SECONDS
// (5), BENCH_WORKER_CONCURRENCY (the worker's WORKER_CONCURRENCY).
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import * as cases from "./ingest-cases";
import type { LoadResult } from "./ingest-load";
import {
  benchDatabase,
  benchTenant,
  dropPrefix,
  formatTable,
  int,
  mb,
  percentile,
  processGroup,
  startIngestAndWorker,
} from "./lib";

// Before @iot/db is loaded: it reads these once (the children inherit them).
const { urls, dbName } = benchDatabase("iot_bench_rules");

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RULES = env("BENCH_RULES", 1000);
const HOLD_RULES = Math.min(RULES, env("BENCH_HOLD_RULES", 100));
const HOLD_SECONDS = env("BENCH_HOLD_SECONDS", 2);
const RATE = env("BENCH_RATE", 1000);
const SECONDS = env("BENCH_SECONDS", 20);
const CONNECTIONS = env("BENCH_CONNECTIONS", 200);
const WARMUP_SECONDS = env("BENCH_WARMUP_SECONDS", 2);
const DRAIN_TIMEOUT_MS = env("BENCH_DRAIN_TIMEOUT", 180) * 1000;
const KEEP_UP_S = env("BENCH_KEEP_UP_SECONDS", 5);
const TARGET_MS = 1000;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `iot-bench-${randomUUID().slice(0, 8)}`;
/** As bench/ingest-load.ts numbers its devices. */
const DEVICES = 1000;

const { disconnect, withTenant } = await import("@iot/db");
const { PAYLOAD_QUEUES, createRule, getDecoder, jobs } = await import("@iot/core");
const MODEL = getDecoder("json")?.deviceModel ?? "GenericJson";

/** Rule j watches bench-dev-<j mod 1,000>; the last HOLD_RULES hold for HOLD_SECONDS and auto-clear. */
function ruleDocument(j: number) {
  const hold = j >= RULES - HOLD_RULES;
  return {
    name: `bench ${hold ? "hold" : "rule"} ${j}`,
    enabled: true,
    trigger: { type: "event", event: "measures.processed", models: [MODEL] },
    condition: {
      all: [
        { field: "device.reference", op: "eq", value: `bench-dev-${j % DEVICES}` },
        { field: "measure.values.temperature", op: "gt", value: hold ? 30 : 35 },
      ],
    },
    holdsForSeconds: hold ? HOLD_SECONDS : 0,
    autoClear: hold,
    steps: [
      {
        task: "raiseAlert",
        args: { severity: hold ? "critical" : "warning", message: "{{device.reference}}: {{measure.values.temperature}} °C" },
      },
    ],
  };
}

async function createRules(tenantId: string, tenantGroup: string, ownerId: string) {
  const t0 = performance.now();
  for (let from = 0; from < RULES; from += 100)
    await withTenant(
      tenantId,
      async (db) => {
        for (let j = from; j < Math.min(RULES, from + 100); j++)
          await createRule(db, ruleDocument(j), { ownerId, group: tenantGroup });
      },
      { timeout: 60_000 },
    );
  console.log(
    `${int(RULES)} rules created (${int(RULES - HOLD_RULES)} immediate, ${int(HOLD_RULES)} holding ${HOLD_SECONDS} s) ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

type Counts = { waiting: number; active: number; delayed: number; prioritized: number; failed: number };
interface DepthSample {
  at: number;
  rules: Counts;
  runs: Counts;
}
const counts = async (q: Queue) =>
  (await q.getJobCounts("waiting", "active", "delayed", "prioritized", "failed")) as unknown as Counts;
/** Jobs to do now: evaluations and due holds-for checks (rules), runs including those waiting for the tenant's run slots. */
const rulesDepth = (c: Counts) => c.waiting + c.active + c.prioritized;
const runsDepth = (c: Counts) => c.waiting + c.active + c.prioritized + c.delayed;

/** The queues' depth every second until stopped. */
function depthSampler(rules: Queue, runs: Queue) {
  const samples: DepthSample[] = [];
  const stopping = new AbortController();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const at = Date.now();
      const [r, x] = await Promise.all([counts(rules), counts(runs)]);
      samples.push({ at, rules: r, runs: x });
      await sleep(Math.max(0, at + 1000 - Date.now()), undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    samples,
    async stop() {
      stopping.abort();
      await loop;
      return samples;
    },
  };
}

/** What the worker reports for the jobs of the "rules" queue, from their return values. */
function evaluationCounter(events: QueueEvents) {
  const c = { counting: false, jobs: 0, events: 0, evaluations: 0, runs: 0, checks: 0, holdChecks: 0, holdFired: 0, inLoad: 0 };
  let window: { from: number; to: number } | null = null;
  events.on("completed", ({ returnvalue }) => {
    if (!c.counting) return;
    const v = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as Record<string, number> | null;
    if (!v) return;
    if ("evaluations" in v) {
      c.jobs++;
      c.events += v.events ?? 0;
      c.evaluations += v.evaluations ?? 0;
      c.runs += v.runs ?? 0;
      c.checks += v.checks ?? 0;
      const now = Date.now();
      if (window && now >= window.from && now <= window.to) c.inLoad += v.evaluations ?? 0;
    } else if ("fired" in v) {
      c.holdChecks++;
      if (v.fired) c.holdFired++;
    }
  });
  return Object.assign(c, {
    setWindow(w: { from: number; to: number }) {
      window = w;
    },
  });
}

/** Waits until the case's payloads are settled and both queues are empty (delayed holds-for checks included). */
async function drainRules(db: pg.Client, tenantId: string, since: Date, rules: Queue, runs: Queue, alive: () => void) {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  await cases.drain(db, tenantId, since, DRAIN_TIMEOUT_MS, alive);
  let emptyAt: number | null = null;
  for (;;) {
    alive();
    const [r, x] = await Promise.all([counts(rules), counts(runs)]);
    if (rulesDepth(r) + runsDepth(x) === 0) emptyAt ??= Date.now();
    else emptyAt = null;
    if (emptyAt !== null && r.delayed === 0) return emptyAt;
    if (Date.now() > deadline)
      throw new Error(
        `rule queues not drained after ${DRAIN_TIMEOUT_MS / 1000} s: rules ${JSON.stringify(r)}, rule-runs ${JSON.stringify(x)}`,
      );
    await sleep(100);
  }
}

interface LatencyRow {
  hold: number;
  event_key: string;
  processed_at: Date | null;
  at: Date | null;
  created_at?: Date;
  finished_at?: Date | null;
  status?: string;
}

/** The payload that carried a trigger's measure (device, measuredAt), joined on `measures`. */
const triggerPayload = (twin: string, measuredAt: string) => `
  LEFT JOIN LATERAL (
    SELECT nullif(m.payload_id, '')::uuid AS payload_id FROM measures m
    WHERE m.tenant_id = $1 AND m.origin_id = (${twin})::uuid AND m.name = 'temperature'
      AND m.measured_at = (${measuredAt})::timestamptz
    LIMIT 1) m ON true
  LEFT JOIN payloads p ON p.id = m.payload_id`;

async function alertRows(db: pg.Client, tenantId: string, since: Date) {
  const { rows } = await db.query<LatencyRow & { status: string }>(
    `SELECT r.holds_for_seconds AS hold, coalesce(x.event_key, '') AS event_key, p.processed_at, a.raised_at AS at, a.status
     FROM alerts a JOIN rules r ON r.id = a.rule_id LEFT JOIN rule_runs x ON x.id = a.run_id
     ${triggerPayload("a.details->'trigger'->'twin'->>'id'", "a.details->'trigger'->'measure'->>'measuredAt'")}
     WHERE a.tenant_id = $1 AND a.raised_at >= $2`,
    [tenantId, since],
  );
  return rows;
}

async function runRows(db: pg.Client, tenantId: string, since: Date) {
  const { rows } = await db.query<LatencyRow>(
    `SELECT r.holds_for_seconds AS hold, x.event_key, p.processed_at, x.created_at, x.finished_at, x.status,
            x.finished_at AS at
     FROM rule_runs x JOIN rules r ON r.id = x.rule_id
     ${triggerPayload("x.twin_key", "x.trigger->'measure'->>'measuredAt'")}
     WHERE x.tenant_id = $1 AND x.created_at >= $2 AND x.event = 'measures.processed'`,
    [tenantId, since],
  );
  return rows;
}

/** When a holds-for run's stretch was due: its start (in a check's event key, `hold:<twin>:<since>`) plus holdsFor. */
function dueAt(row: LatencyRow): number | null {
  if (!row.event_key.startsWith("hold:")) return null;
  const rest = row.event_key.slice("hold:".length);
  const since = Date.parse(rest.slice(rest.indexOf(":") + 1));
  return Number.isFinite(since) ? since + row.hold * 1000 : null;
}

/** ms from measure persisted to `at`; for holds-for rules, from the later of persisted and due. */
function latencies(rows: LatencyRow[], to: (r: LatencyRow) => Date | null | undefined) {
  const ms: number[] = [];
  let missing = 0;
  for (const r of rows) {
    const end = to(r);
    if (!r.processed_at || !end) {
      missing++;
      continue;
    }
    const from = Math.max(r.processed_at.getTime(), dueAt(r) ?? 0);
    ms.push(end.getTime() - from);
  }
  ms.sort((a, b) => a - b);
  return { n: ms.length, missing, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1) ?? Number.NaN };
}
type Lat = ReturnType<typeof latencies>;

const group = processGroup();
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const eventsRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const rulesQueue = new Queue(jobs.evaluateRules.queue, { connection: redis, prefix: PREFIX });
const runsQueue = new Queue(jobs.runRule.queue, { connection: redis, prefix: PREFIX });
const payloadQueues = PAYLOAD_QUEUES.map((name) => new Queue(name, { connection: redis, prefix: PREFIX }));
const queueEvents = new QueueEvents(jobs.evaluateRules.queue, { connection: eventsRedis, prefix: PREFIX });
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await group.stopAll();
    await queueEvents.close().catch(() => {});
    await Promise.all([rulesQueue, runsQueue, ...payloadQueues].map((q) => q.close().catch(() => {})));
    await dropPrefix(redis, PREFIX);
    redis.disconnect();
    eventsRedis.disconnect();
    await disconnect();
  })());
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

const owner = new pg.Client({ connectionString: urls.owner });
try {
  const { tenantId, group: tenantGroup, token, userId } = await benchTenant(urls, dbName, "Bench Rules");
  await createRules(tenantId, tenantGroup, userId);
  const { url, ingestPort, workerPort, ingest, worker, healthy } = await startIngestAndWorker(group, {
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    workerConcurrency: process.env.BENCH_WORKER_CONCURRENCY,
    ingestRatePerMinute: "100000000",
  });
  await Promise.all([healthy, queueEvents.waitUntilReady()]);
  console.log(`ingest on ${ingestPort}, worker health on ${workerPort}, queue prefix ${PREFIX}`);
  await owner.connect();
  const now = async () => (await owner.query<{ t: Date }>("SELECT clock_timestamp() AS t")).rows[0]?.t as Date;
  const counter = evaluationCounter(queueEvents);

  // warm-up: every device provisioned, the rule index cached, the holds-for rules' states made; nothing fires
  if (WARMUP_SECONDS > 0) {
    const since = await now();
    await group.runLoad<LoadResult>([
      ...["--case", "steady", "--url", url, "--key", token, "--base", String(Date.now() - 3_600_000)],
      ...["--seconds", String(WARMUP_SECONDS), "--connections", "50", "--rate", "500"],
    ]);
    await drainRules(owner, tenantId, since, rulesQueue, runsQueue, group.alive);
    console.log(`warm-up: ${WARMUP_SECONDS} s at 500 payloads/s (readings below every threshold), drained (not counted)`);
  }

  const since = await now();
  counter.counting = true;
  const depth = depthSampler(rulesQueue, runsQueue);
  // memory, and the pipeline's backlog upstream of the rules: payloads still RECEIVED
  const upstream = cases.startSampler(
    { ingest: ingest.pid, worker: worker.pid },
    { queues: payloadQueues, redis, db: owner, tenantId, since },
  );
  const loadWindow = { from: Date.now(), to: Date.now() + (SECONDS + 30) * 1000 };
  counter.setWindow(loadWindow);
  const load = await group.runLoad<LoadResult>([
    ...["--case", "steady", "--profile", "rules", "--url", url, "--key", token, "--base", String(Date.now())],
    ...["--seconds", String(SECONDS), "--connections", String(CONNECTIONS), "--rate", String(RATE)],
  ]);
  counter.setWindow({ from: load.start, to: load.end });
  const loadS = (load.end - load.start) / 1000;
  console.log(`\nload: ${int(load.requests)} requests in ${loadS.toFixed(1)} s, offered ${int(RATE)}/s, ${int(load.ok)} 2xx`);
  if (Object.keys(load.non2xx).length || load.errors || load.timeouts)
    console.log(`  non-2xx ${JSON.stringify(load.non2xx)}, errors ${load.errors}, timeouts ${load.timeouts}`);
  const emptyAt = await drainRules(owner, tenantId, since, rulesQueue, runsQueue, group.alive);
  await sleep(500); // the last completions' events reach the listener
  counter.counting = false;
  const samples = await depth.stop();
  const { peak, samples: pipeline } = await upstream.stop();
  const failed = { rules: (await counts(rulesQueue)).failed, runs: (await counts(runsQueue)).failed };

  // figures from the database
  const payloadLatency = await cases.acceptToQueryable(owner, tenantId, since);
  const alerts = await alertRows(owner, tenantId, since);
  const runs = await runRows(owner, tenantId, since);
  const byStatus = (rows: { status?: string }[]) =>
    Object.entries(
      rows.reduce<Record<string, number>>((m, r) => {
        m[r.status ?? "?"] = (m[r.status ?? "?"] ?? 0) + 1;
        return m;
      }, {}),
    )
      .map(([s, n]) => `${s} ${int(n)}`)
      .join(", ");
  const immediate = (r: LatencyRow) => r.hold === 0;
  const holding = (r: LatencyRow) => r.hold > 0;
  const alertImmediate = latencies(alerts.filter(immediate), (r) => r.at);
  const alertHold = latencies(alerts.filter(holding), (r) => r.at);
  const runQueued = latencies(runs.filter(immediate), (r) => r.created_at);
  const runFinished = latencies(runs.filter(immediate), (r) => r.finished_at);
  const holdFromCheck = alerts.filter((r) => holding(r) && dueAt(r) !== null).length;

  // the queues over the run
  const during = samples.filter((s) => s.at >= load.start && s.at <= load.end);
  const third = Math.max(1, Math.floor(during.length / 3));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  /** The payload backlog (RECEIVED) of the upstream sample nearest in time. */
  const backlogAt = (at: number) =>
    pipeline.reduce<cases.Sample | undefined>((a, p) => (!a || Math.abs(p.at - at) < Math.abs(a.at - at) ? p : a), undefined)
      ?.backlog ?? 0;
  const pending = (s: DepthSample) => rulesDepth(s.rules) + runsDepth(s.runs) + backlogAt(s.at);
  const firstThird = mean(during.slice(0, third).map(pending));
  const lastThird = mean(during.slice(-third).map(pending));
  const growing = lastThird > Math.max(50, 2 * firstThird);
  const drainS = Math.max(0, (emptyAt - load.end) / 1000);
  const keepsUp = !growing && drainS <= KEEP_UP_S;
  const maxOf = (f: (s: DepthSample) => number, xs = samples) => Math.max(0, ...xs.map(f));
  const last = during.at(-1);

  const rel = (at: number) => `${Math.round((at - load.start) / 1000)} s`;
  const step = Math.max(1, Math.round(samples.length / 20));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  console.log(
    "\nevery second (t from load start; backlog: payloads RECEIVED, measures not yet persisted; rules: jobs waiting+active; " +
      "checks: delayed holds-for checks; rule-runs: jobs waiting+active+delayed):",
  );
  for (const l of formatTable(
    ["t", "phase", "backlog", "rules", "checks", "rule-runs"],
    shown.map((s) => [
      rel(s.at),
      s.at < load.start ? "before" : s.at <= load.end ? "load" : "drain",
      int(backlogAt(s.at)),
      int(rulesDepth(s.rules)),
      int(s.rules.delayed),
      int(runsDepth(s.runs)),
    ]),
  ))
    console.log(`  ${l}`);

  const ms = (n: number) => (Number.isFinite(n) ? `${int(n)} ms` : "-");
  const lat = (l: Lat) =>
    `p50 ${ms(l.p50)}, p99 ${ms(l.p99)}, max ${ms(l.max)} (${int(l.n)}${l.missing ? `, ${l.missing} unmatched` : ""})`;
  const accepted = load.accepted / loadS;
  const mark = (ok: boolean) => (ok ? "PASS" : "FAIL");
  const table: string[][] = [
    [
      "rules enabled",
      `${int(RULES)} (${int(RULES - HOLD_RULES)} immediate, ${int(HOLD_RULES)} holds-for ${HOLD_SECONDS} s)`,
      "",
      "",
    ],
    [
      "payloads/s accepted",
      `${int(accepted)} of ${int(RATE)} offered, ${loadS.toFixed(1)} s`,
      ">= 95% of offered",
      mark(accepted >= 0.95 * RATE),
    ],
    ["accept → queryable (measures)", `p50 ${ms(payloadLatency.p50)}, p99 ${ms(payloadLatency.p99)}`, "", ""],
    [
      "rule evaluations/s",
      `${int(counter.evaluations / loadS)} offered (${int(counter.evaluations)} in ${int(counter.jobs)} jobs, ${int(counter.events)} events); ` +
        `done ${int(counter.inLoad / loadS)}/s during the load, ${int(counter.evaluations / ((emptyAt - load.start) / 1000))}/s load start to empty`,
      "",
      "",
    ],
    ["runs queued", `${int(runs.length)}: ${byStatus(runs)}`, "", ""],
    [
      "alerts raised",
      `${int(alerts.length)}: immediate ${int(alerts.filter(immediate).length)}, holds-for ${int(alerts.filter(holding).length)} (${int(holdFromCheck)} by a due check); ${byStatus(alerts)}`,
      "",
      "",
    ],
    [
      "holds-for checks",
      `${int(counter.checks)} scheduled, ${int(counter.holdChecks)} done, ${int(counter.holdFired)} fired`,
      "",
      "",
    ],
    [
      "rules queue depth (jobs)",
      `max ${int(maxOf((s) => rulesDepth(s.rules)))}, at load end ${int(last ? rulesDepth(last.rules) : 0)}, checks delayed max ${int(maxOf((s) => s.rules.delayed))}`,
      "",
      "",
    ],
    [
      "payload backlog (RECEIVED)",
      `max ${int(Math.max(0, ...pipeline.map((p) => p.backlog ?? 0)))}, at load end ${int(last ? backlogAt(last.at) : 0)}`,
      "",
      "",
    ],
    [
      "rule-runs queue depth (jobs)",
      `max ${int(maxOf((s) => runsDepth(s.runs)))}, at load end ${int(last ? runsDepth(last.runs) : 0)}`,
      "",
      "",
    ],
    [
      "queues keep up",
      `${keepsUp ? "yes" : "NO"}: mean backlog + rules + rule-runs 1st/last third of load ${firstThird.toFixed(0)}/${lastThird.toFixed(0)}${growing ? " (growing)" : ""}, empty ${drainS.toFixed(1)} s after the load`,
      `not growing, empty <= ${KEEP_UP_S} s after`,
      mark(keepsUp),
    ],
    ["failed jobs", `rules ${failed.rules}, rule-runs ${failed.runs}`, "0", mark(failed.rules + failed.runs === 0)],
    ["persisted → alert raised (immediate)", lat(alertImmediate), "p99 < 1,000 ms", mark(alertImmediate.p99 < TARGET_MS)],
    [
      "persisted → alert raised (holds-for, beyond debounce)",
      lat(alertHold),
      "p99 < 1,000 ms",
      mark(alertHold.n > 0 && alertHold.p99 < TARGET_MS),
    ],
    ["persisted → run queued (immediate)", lat(runQueued), "", ""],
    ["persisted → run finished (immediate)", lat(runFinished), "", ""],
    ["peak RSS", `ingest ${mb(peak.ingest ?? 0)}, worker ${mb(peak.worker ?? 0)}`, "", ""],
  ];
  console.log(`\nbench:rules (load ${SECONDS} s at ${int(RATE)} payloads/s from ${int(DEVICES)} devices, one measure each):`);
  for (const l of formatTable(["figure", "value", "target", "result"], table, "llll")) console.log(`  ${l}`);
} finally {
  await owner.end().catch(() => {});
  await cleanUp();
}
