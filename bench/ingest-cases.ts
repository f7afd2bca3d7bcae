// The measuring parts of bench:ingest (bench/ingest.ts runs the processes and the cases):
// the drain and the case's counts, accept-to-queryable latency from the payloads table,
// the raw Postgres ceiling, a sampler of resident memory and backlog, a live subscription
// held open on the web process, and the report (the burst's figures, the summary and the
// targets).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import pg from "pg";
import type { LoadResult } from "./ingest-load";
import { formatTable, int, mb, rawInsert, rssKb } from "./lib";

/** The load's devices, as bench/ingest-load.ts numbers them (one measure per payload). */
const DEVICES = 1000;
/** Rows per statement (and per transaction) of the raw ceiling. */
const RAW_BATCH = 1000;

/** Waits until no payload received since `since` is RECEIVED any more; `alive` throws if a process died. */
export async function drain(db: pg.Client, tenantId: string, since: Date, timeoutMs: number, alive: () => void) {
  const deadline = Date.now() + timeoutMs;
  const pending = `SELECT EXISTS (SELECT 1 FROM payloads WHERE tenant_id = $1 AND received_at >= $2 AND state = 'RECEIVED') AS p`;
  while ((await db.query<{ p: boolean }>(pending, [tenantId, since])).rows[0]?.p) {
    alive();
    if (Date.now() > deadline) throw new Error(`pipeline not drained after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** The case's payloads by state, when the last one was settled, and its measures (in its time window). */
export async function counts(db: pg.Client, tenantId: string, since: Date, window: { from: number; to: number }) {
  const payloads = await db.query<{ state: string; n: number; done: number | null }>(
    `SELECT state, count(*)::int AS n, extract(epoch FROM max(processed_at)) * 1000 AS done
     FROM payloads WHERE tenant_id = $1 AND received_at >= $2 GROUP BY state`,
    [tenantId, since],
  );
  const measures = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM measures WHERE tenant_id = $1 AND measured_at >= $2 AND measured_at < $3",
    [tenantId, new Date(window.from), new Date(window.to)],
  );
  return {
    states: Object.fromEntries(payloads.rows.map((r) => [r.state, r.n])),
    settledAt: Math.max(0, ...payloads.rows.map((r) => Number(r.done ?? 0))),
    persisted: measures.rows[0]?.n ?? 0,
  };
}

/**
 * From HTTP accept to measure queryable, per payload of the case (ms): received_at is set
 * when the webhook stores the payload, before it answers; processed_at (clock_timestamp())
 * in the transaction that inserts its measures, so when they become visible, to within the commit.
 */
export async function acceptToQueryable(db: pg.Client, tenantId: string, since: Date) {
  const { rows } = await db.query<{ n: number; p50: number | null; p99: number | null; max: number | null }>(
    `SELECT count(*)::int AS n,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
            max(ms) AS max
     FROM (SELECT (extract(epoch FROM processed_at - received_at) * 1000)::float8 AS ms
           FROM payloads WHERE tenant_id = $1 AND received_at >= $2 AND state = 'VALID') AS x`,
    [tenantId, since],
  );
  const r = rows[0];
  return { n: r?.n ?? 0, p50: r?.p50 ?? Number.NaN, p99: r?.p99 ?? Number.NaN, max: r?.max ?? Number.NaN };
}
export type Latency = Awaited<ReturnType<typeof acceptToQueryable>>;

/**
 * The raw Postgres ceiling: `rows` measures shaped as the pipeline stores them (device
 * origin, one temperature each, 1,000 devices round robin, a payload id each) inserted
 * straight into `measures` from one connection, as the application role with the tenant
 * set (row-level security on, as for the worker): INSERT ... SELECT FROM unnest, 1,000
 * rows a transaction. Its own devices and time window (from `base`), so nothing collides
 * with the pipeline's rows. Only the statements are timed, not building their arrays.
 */
export async function rawCeiling(appUrl: string, tenantId: string, rows: number, base: number) {
  const devices = Array.from({ length: DEVICES }, () => randomUUID());
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  let ms = 0;
  try {
    const months = [base, base + rows / DEVICES + 1].map((t) => new Date(t).toISOString().slice(0, 7));
    for (const month of new Set(months)) await app.query("SELECT ensure_measure_partition($1::date)", [`${month}-01`]);
    for (let from = 0; from < rows; from += RAW_BATCH) {
      const n = Math.min(RAW_BATCH, rows - from);
      const at: string[] = [];
      const values: string[] = [];
      const origins: string[] = [];
      const payloadIds: string[] = [];
      for (let i = from; i < from + n; i++) {
        at.push(new Date(base + Math.floor(i / DEVICES)).toISOString());
        values.push(JSON.stringify({ temperature: 15 + (i % 100) / 10 }));
        origins.push(devices[i % DEVICES] as string);
        payloadIds.push(randomUUID());
      }
      const t0 = performance.now();
      await rawInsert(
        app,
        tenantId,
        `INSERT INTO measures (tenant_id, measured_at, type, name, values, asset_id, slot, origin_type, origin_id, payload_id)
         SELECT $1::uuid, m.measured_at, 'temperature', 'temperature', m.values, NULL, NULL, 'device', m.origin_id, m.payload_id
         FROM unnest($2::timestamptz[], $3::jsonb[], $4::uuid[], $5::text[]) AS m(measured_at, values, origin_id, payload_id)
         ON CONFLICT DO NOTHING`,
        [tenantId, at, values, origins, payloadIds],
        n,
      );
      ms += performance.now() - t0;
    }
  } finally {
    await app.end();
  }
  return { rows, seconds: ms / 1000, perS: rows ? rows / (ms / 1000) : Number.NaN };
}
export type Raw = Awaited<ReturnType<typeof rawCeiling>>;

/** What the sampler watches besides memory: the payload queues and the case's payloads still RECEIVED. */
export interface Watch {
  queues: Queue[];
  redis: Redis;
  db: pg.Client;
  tenantId: string;
  since: Date;
}

export interface Sample {
  /** Epoch ms. */
  at: number;
  /** kB by process. */
  rss: Record<string, number>;
  /** Jobs waiting, active or delayed across the payload shard queues. */
  jobs?: number;
  /** The case's payloads still RECEIVED (stored, measures not yet queryable). */
  backlog?: number;
  /** Redis used_memory, bytes. */
  redisBytes?: number;
}

/**
 * Samples the resident memory of the processes every 250 ms (peaks), and every second a
 * Sample: their memory, and with `watch` the queues' jobs, the payload backlog and Redis'
 * memory. The backlog is counted from the oldest payload still RECEIVED at the previous
 * sample (less a second), so each count reads about the backlog, not the whole case.
 */
export function startSampler(pids: Record<string, number | undefined>, watch?: Watch) {
  const peak: Record<string, number> = {};
  const samples: Sample[] = [];
  const readRss = () => {
    const rss: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      rss[name] = rssKb(pid);
      peak[name] = Math.max(peak[name] ?? 0, rss[name]);
    }
    return rss;
  };
  const timer = setInterval(readRss, 250);
  const stopping = new AbortController();
  let from = watch?.since ?? new Date();
  const backlog = async (w: Watch) => {
    const { rows } = await w.db.query<{ n: number; first: Date | null }>(
      `SELECT count(*)::int AS n, min(received_at) AS first FROM payloads
       WHERE tenant_id = $1 AND received_at >= $2 AND state = 'RECEIVED'`,
      [w.tenantId, from],
    );
    if (rows[0]?.first) from = new Date(Math.max(w.since.getTime(), rows[0].first.getTime() - 1000));
    return rows[0]?.n ?? 0;
  };
  const jobs = async (w: Watch) => {
    const all = await Promise.all(w.queues.map((q) => q.getJobCounts("waiting", "active", "delayed", "prioritized")));
    return all.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  };
  const redisBytes = async (w: Watch) => Number((await w.redis.info("memory")).match(/^used_memory:(\d+)/m)?.[1] ?? 0);
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const at = Date.now();
      const sample: Sample = { at, rss: readRss() };
      if (watch)
        [sample.jobs, sample.backlog, sample.redisBytes] = await Promise.all([jobs(watch), backlog(watch), redisBytes(watch)]);
      samples.push(sample);
      await sleep(Math.max(0, at + 1000 - Date.now()), undefined, { signal: stopping.signal }).catch(() => {});
    }
  })();
  return {
    /** The processes' memory now (kB). */
    now: readRss,
    async stop() {
      stopping.abort();
      clearInterval(timer);
      await loop;
      return { peak, samples, end: readRss() };
    },
  };
}

/**
 * One live subscription held open on the web process: measures.subscribe for the whole
 * tenant over server-sent events (tRPC 11: GET /api/trpc/<path>?input=<superjson>), signed
 * in with a session token as a Bearer. Counts the messages and the measures they carry
 * (by their measuredAt, without parsing) until the returned function is called.
 */
export function subscribeLive(webUrl: string, session: string, tenantId: string) {
  const stats = { open: false, messages: 0, measures: 0, error: null as string | null };
  const abort = new AbortController();
  const input = encodeURIComponent(JSON.stringify({ json: { tenantId } }));
  const onEvent = (block: string) => {
    const event = block.match(/^event: ?(.*)$/m)?.[1] ?? "message";
    const data = block.match(/^data: ?(.*)$/m)?.[1] ?? "";
    if (event === "serialized-error") stats.error = data.slice(0, 300);
    else if (event === "message" && data) {
      stats.messages++;
      for (let i = data.indexOf('"measuredAt":'); i >= 0; i = data.indexOf('"measuredAt":', i + 1)) stats.measures++;
    }
  };
  const reading = (async () => {
    const res = await fetch(`${webUrl}/api/trpc/measures.subscribe?input=${input}`, {
      headers: { authorization: `Bearer ${session}`, accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) {
      stats.error = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
      return;
    }
    stats.open = true;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        onEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  })().catch((e: unknown) => {
    if (!abort.signal.aborted) stats.error = e instanceof Error ? e.message : String(e);
  });
  return async () => {
    abort.abort();
    await reading;
    return stats;
  };
}
export type LiveStats = Awaited<ReturnType<ReturnType<typeof subscribeLive>>>;

/** Signs in through auth.login on the web process (tRPC, superjson); returns the session token. */
export async function webLogin(webUrl: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${webUrl}/api/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, password } }),
  });
  const body = (await res.json()) as { result?: { data?: { json?: { token?: string } } } };
  const token = body.result?.data?.json?.token;
  if (!res.ok || !token) throw new Error(`auth.login: HTTP ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return token;
}

// ---------------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------------

/** One case's figures. */
export interface Row {
  name: string;
  spec: { seconds: number; connections: number; rate?: number };
  load: LoadResult;
  acceptedPerS: number;
  /** Measures in each payload (100 in multi, else 1). */
  perPayload: number;
  persisted: number;
  persistedPerS: number;
  drainS: number;
  states: Record<string, number>;
  latency: Latency;
  raw: Raw;
  /** persisted/s over the raw ceiling's rows/s. */
  ratio: number;
  /** Peak RSS (kB) by process, then before the load, at its end, and after the drain. */
  rss: Record<string, number>;
  rssBefore: Record<string, number>;
  rssLoadEnd: Record<string, number>;
  rssEnd: Record<string, number>;
  samples: Sample[];
  live: LiveStats | null;
}

const MB = 1024;
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const mark = (ok: boolean) => (ok ? "PASS" : "FAIL");

/** Refused requests by kind: 429 and 503 are refusals by design, anything else is not. */
function refusals(load: LoadResult) {
  const by = (code: string) => load.non2xx[code] ?? 0;
  const other = Object.entries(load.non2xx).reduce((n, [code, count]) => n + (code === "429" || code === "503" ? 0 : count), 0);
  return { tooMany: by("429"), unavailable: by("503"), other, errors: load.errors, timeouts: load.timeouts };
}

/**
 * Whether a process' memory levels off during the burst: the highest RSS of the load's
 * second half at most 25% (+32 MB) above the first half's. Growth without bound keeps climbing.
 */
export function plateau(row: Row, name: string) {
  const { start, end } = row.load;
  const mid = (start + end) / 2;
  const max = (from: number, to: number) =>
    Math.max(0, ...row.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss[name] ?? 0));
  const first = max(start, mid);
  const second = max(mid, end);
  return { first, second, ok: first > 0 && second <= first * 1.25 + 32 * MB };
}

/** The burst's own figures: refusals, the backlog and its drain, memory over time. */
export function printBurst(row: Row) {
  const r = refusals(row.load);
  const offered = row.spec.rate ?? 0;
  console.log(
    `  offered ${int(offered)} payloads/s for ${row.spec.seconds} s over ${row.spec.connections} connections; ` +
      `accepted ${int(row.acceptedPerS)}/s (${pct(row.acceptedPerS / offered)} of offered)`,
  );
  console.log(
    `  refused: ${int(r.tooMany)} 429, ${int(r.unavailable)} 503, ${int(r.other)} other; ` +
      `connection errors ${r.errors}, timeouts ${r.timeouts}`,
  );
  const top = row.samples.reduce<Sample | undefined>((a, s) => ((s.backlog ?? 0) > (a?.backlog ?? -1) ? s : a), undefined);
  const rel = (at: number) => `${Math.round((at - row.load.start) / 1000) || 0} s`;
  if (top)
    console.log(
      `  backlog: max ${int(top.backlog ?? 0)} payloads RECEIVED, ${int(top.jobs ?? 0)} jobs queued, ` +
        `Redis ${mb((top.redisBytes ?? 0) / 1024)} (at ${rel(top.at)}); drained ${row.drainS.toFixed(1)} s after the load`,
    );
  const names = Object.keys(row.rss);
  for (const name of names) {
    const p = plateau(row, name);
    console.log(
      `  ${name} RSS: before ${mb(row.rssBefore[name] ?? 0)}, max ${mb(row.rss[name] ?? 0)}, ` +
        `end of load ${mb(row.rssLoadEnd[name] ?? 0)}, after drain ${mb(row.rssEnd[name] ?? 0)}; ` +
        `max 1st/2nd half of load ${mb(p.first)}/${mb(p.second)}: ${p.ok ? "levels off" : "STILL GROWING"}`,
    );
  }
  // about a dozen lines: every n-th sample, the one at the top of the backlog, the last
  const step = Math.max(1, Math.round(row.samples.length / 12));
  const shown = row.samples.filter((s, i) => i % step === 0 || s === top || i === row.samples.length - 1);
  const head = ["t", "phase", "backlog", "jobs", "redis", ...names];
  const lines = shown.map((s) => [
    rel(s.at),
    s.at < row.load.start ? "before" : s.at <= row.load.end ? "load" : "drain",
    int(s.backlog ?? 0),
    int(s.jobs ?? 0),
    mb((s.redisBytes ?? 0) / 1024),
    ...names.map((n) => mb(s.rss[n] ?? 0)),
  ]);
  console.log("  every second (t from load start; backlog: payloads RECEIVED; RSS by process):");
  for (const l of formatTable(head, lines)) console.log(`    ${l}`);
}

/** The figures of every case, then each target against its figure. */
/** Every accepted measure was persisted, no more. */
const complete = (r: Row) => r.persisted === r.load.accepted * r.perPayload;

export function printReport(rows: Row[], opts: { webNote: string | null; burstFactor: number }) {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const ms = (n: number) => (Number.isFinite(n) ? int(n) : "-");
  const head = [
    ...["case", "offered/s", "acc pl/s", "acc ms/s", "pers pl/s", "pers ms/s", "a→q p50", "a→q p99"],
    ...["http p50", "http p99", "drain s", "raw rows/s", "pers/raw", "ingest", "worker", "web", "check"],
  ];
  const lines = rows.map((r) => [
    ...[r.name, r.spec.rate ? int(r.spec.rate) : "max", int(r.acceptedPerS), int(r.acceptedPerS * r.perPayload)],
    ...[int(r.persistedPerS / r.perPayload), int(r.persistedPerS), ms(r.latency.p50), ms(r.latency.p99), String(r.load.p50)],
    ...[String(r.load.p99), r.drainS.toFixed(1), int(r.raw.perS), pct(r.ratio), mb(r.rss.ingest ?? 0), mb(r.rss.worker ?? 0)],
    ...[r.rss.web ? mb(r.rss.web) : "-", complete(r) ? "ok" : "MISMATCH"],
  ]);
  console.log(
    `\nsummary (load: ${rows.map((r) => `${r.name} ${r.spec.seconds} s`).join(", ")}); one measure per payload ` +
      "(multi: 100) (pl/s payloads/s, ms/s measures/s); a→q: accept to queryable, ms; RSS: peak",
  );
  for (const l of formatTable(head, lines)) console.log(`  ${l}`);
  if (opts.webNote) console.log(`  ${opts.webNote}`);

  const targets: string[][] = [];
  const single = byName.get("single");
  const batched = byName.get("batched");
  const multi = byName.get("multi");
  const steady = byName.get("steady");
  const burst = byName.get("burst");
  if (single)
    targets.push([
      "single-measure payloads/s persisted",
      "single",
      int(single.persistedPerS),
      ">= 5,000",
      mark(single.persistedPerS >= 5000),
    ]);
  for (const r of [batched, multi])
    if (r)
      targets.push([
        "measures/s persisted, 100 a request",
        r.name,
        int(r.persistedPerS),
        ">= 50,000",
        mark(r.persistedPerS >= 50_000),
      ]);
  if (steady) {
    const held = steady.acceptedPerS >= 0.95 * (steady.spec.rate ?? 0);
    targets.push([
      `accept to queryable p99 at ${int(steady.spec.rate ?? 0)} payloads/s`,
      "steady",
      `${ms(steady.latency.p99)} ms at ${int(steady.acceptedPerS)}/s`,
      "< 1,000 ms, rate held",
      mark(steady.latency.p99 < 1000 && held),
    ]);
  }
  for (const r of [single, batched, multi])
    if (r)
      targets.push([
        "persisted / raw Postgres ceiling",
        r.name,
        `${int(r.persistedPerS)} / ${int(r.raw.perS)} = ${pct(r.ratio)}`,
        ">= 50%",
        mark(r.ratio >= 0.5),
      ]);
  if (burst) {
    const r = refusals(burst.load);
    const top = Math.max(0, ...burst.samples.map((s) => s.backlog ?? 0));
    targets.push([
      `burst ${opts.burstFactor}x: queue grows and drains`,
      "burst",
      `max ${int(top)} queued, drained in ${burst.drainS.toFixed(1)} s`,
      "drains",
      "PASS",
    ]);
    const refused = `${int(r.tooMany)} 429, ${int(r.unavailable)} 503, ${int(r.other)} other, ${r.errors + r.timeouts} errors`;
    targets.push(["burst: refusals", "burst", refused, "429/503 only", mark(r.other + r.errors + r.timeouts === 0)]);
    const levels = Object.keys(burst.rss).map((n) => ({ n, ...plateau(burst, n) }));
    const memory = levels.map((p) => `${p.n} ${mb(p.first)}→${mb(p.second)}`).join(", ");
    targets.push([
      "burst: memory bounded (2nd half of load)",
      "burst",
      memory,
      "<= +25% +32 MB",
      mark(levels.every((p) => p.ok)),
    ]);
  }
  const matching = rows.filter(complete).length;
  targets.push([
    "measures persisted = accepted",
    "all",
    `${matching} of ${rows.length} cases`,
    "every case",
    mark(matching === rows.length),
  ]);
  console.log("\ntargets:");
  for (const l of formatTable(["target", "case", "figure", "goal", "result"], targets, "llrll")) console.log(`  ${l}`);
}
