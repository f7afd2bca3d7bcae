import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payloadOf } from "./faults/cluster";
import { NodeChild, PrivatePostgres, PrivateRedis, freePort, missingServers, runScript, waitFor } from "./faults/infra";

// Faults under load, against the real processes: ingest and worker run as child processes
// (node --import tsx apps/<app>/src/main.ts) on a private Redis and a private Postgres
// cluster (faults/infra.ts), which these tests kill, stop and restart; the shared servers
// are never touched. Results are read with plain pg as the owner role (it bypasses
// row-level security). Each test has its own tenant and ends with everything drained.
//  1. the worker SIGKILLed in the middle of 10,000 payloads, then a new one: every measure
//     present exactly once;
//  2. Redis stopped while payloads arrive (and jobs waiting in it are lost with it): each
//     is refused with 503 or stored and queued later by the sweeper; Redis back, all drain;
//  3. Postgres restarted under load: the webhook answers 503 while it is down, the worker
//     retries and resumes, nothing accepted is lost, both processes stay up.

const missing = missingServers();
if (missing) console.warn(`fault tests skipped: ${missing}`);

interface TTenant {
  tenantId: string;
  token: string;
}

const T0 = Date.now() - 3_600_000;
/** How long test 3 keeps Postgres down. */
const OUTAGE_MS = 18_000;
/** A json-decoder payload with one measure at its own instant, from one of `devices` devices. */
const payload = (tag: string, i: number, devices = 200) => payloadOf(tag, i, devices, T0);

describe.skipIf(Boolean(missing))("faults: worker killed, Redis down, Postgres restarted", () => {
  let redis: PrivateRedis;
  let postgres: PrivatePostgres;
  let db: pg.Pool;
  let tenants: TTenant[] = [];
  let env: Record<string, string> = {};
  let ingest: NodeChild;
  let worker: NodeChild;
  let ingestUrl = "";
  const workers: NodeChild[] = [];
  let closed = false;

  async function startWorker(): Promise<NodeChild> {
    const port = await freePort();
    if (closed) throw new Error("the fault tests are over");
    const child = new NodeChild("worker", "apps/worker/src/main.ts", { ...env, WORKER_HEALTH_PORT: String(port) });
    workers.push(child);
    await child.waitHealthy(`http://127.0.0.1:${port}/healthz`);
    return child;
  }

  beforeAll(async () => {
    redis = await PrivateRedis.create();
    postgres = await PrivatePostgres.create();
    const database = "iot_faults";
    env = {
      DATABASE_ADMIN_URL: postgres.url("postgres", "postgres"),
      DATABASE_OWNER_URL: postgres.url("iot_owner:iot_owner", database),
      DATABASE_URL: postgres.url("iot_app:iot_app", database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `iot-faults-${randomUUID().slice(0, 8)}`,
      // the sweeper every second, for payloads stored 2 s ago and never queued
      SWEEP_EVERY_MS: "1000",
      SWEEP_OLDER_THAN_SECONDS: "2",
    };
    tenants = await runScript<TTenant[]>("apps/worker/src/faults/setup-db.ts", { ...env, FAULT_TENANTS: "3" });
    db = new pg.Pool({ connectionString: env.DATABASE_OWNER_URL, max: 2 });
    db.on("error", () => undefined); // idle clients of a restarted server
    const ingestPort = await freePort();
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    ingest = new NodeChild("ingest", "apps/ingest/src/main.ts", {
      ...env,
      INGEST_PORT: String(ingestPort),
      INGEST_RATE_PER_MINUTE: "100000000",
    });
    [worker] = await Promise.all([startWorker(), ingest.waitHealthy(`${ingestUrl}/healthz`)]);
  }, 120_000);

  afterAll(async () => {
    closed = true;
    await Promise.all([ingest?.kill(), ...workers.map((w) => w.kill())]);
    await db?.end().catch(() => undefined);
    await Promise.all([redis?.dispose(), postgres?.cleanup()]);
  }, 60_000);

  const post = (t: TTenant, body: unknown, batch = false) =>
    fetch(`${ingestUrl}/api/payloads/json${batch ? "/batch" : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });

  async function states(t: TTenant): Promise<Record<string, number>> {
    const { rows } = await db.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM payloads WHERE tenant_id = $1 GROUP BY state",
      [t.tenantId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** The tenant's measures: all, distinct by their unique key, and the payloads with other than one. */
  async function measures(t: TTenant) {
    const { rows } = await db.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT (origin_id, name, measured_at, payload_id))::int AS distinct
       FROM measures WHERE tenant_id = $1`,
      [t.tenantId],
    );
    const odd = await db.query<{ id: string; n: number }>(
      `WITH m AS (SELECT payload_id, count(*)::int AS n FROM measures WHERE tenant_id = $1 GROUP BY payload_id)
       SELECT p.id, coalesce(m.n, 0) AS n FROM payloads p LEFT JOIN m ON m.payload_id = p.id::text
       WHERE p.tenant_id = $1 AND coalesce(m.n, 0) <> 1 LIMIT 10`,
      [t.tenantId],
    );
    return { ...(rows[0] as { total: number; distinct: number }), odd: odd.rows };
  }

  /** Every accepted payload is VALID and none of the tenant's is left RECEIVED. */
  async function settled(t: TTenant, accepted: Set<string>): Promise<boolean> {
    const { rows } = await db.query<{ valid: number; received: number }>(
      `SELECT count(*) FILTER (WHERE id = ANY($2::uuid[]) AND state = 'VALID')::int AS valid,
         count(*) FILTER (WHERE state = 'RECEIVED')::int AS received
       FROM payloads WHERE tenant_id = $1`,
      [t.tenantId, [...accepted]],
    );
    return rows[0]?.valid === accepted.size && rows[0]?.received === 0;
  }

  const output = () =>
    `\n--- ingest:\n${ingest.output.slice(-3000)}\n--- workers:\n${workers.map((w) => w.output.slice(-3000)).join("\n---\n")}`;

  /** Only 202 and 503 were answered; every accepted payload ends VALID with its measure once; both processes are up. */
  async function expectNothingLost(t: TTenant, accepted: Set<string>, statuses: Record<string, number>) {
    expect(
      Object.keys(statuses).every((s) => s === "202" || s === "503"),
      JSON.stringify(statuses),
    ).toBe(true);
    await waitFor("every accepted payload VALID", () => settled(t, accepted), 45_000, 250).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await states(t))}, answers ${JSON.stringify(statuses)}${output()}`);
    });
    const stored = await states(t);
    expect(Object.keys(stored)).toEqual(["VALID"]);
    expect(await measures(t)).toEqual({ total: stored.VALID, distinct: stored.VALID, odd: [] });
    expect(worker.alive && ingest.alive).toBe(true);
  }

  it("1. the worker SIGKILLed in the middle of 10,000 payloads, then restarted: every measure once", async () => {
    const t = tenants[0] as TTenant;
    const TOTAL = 10_000;
    const PER_REQUEST = 100;
    const started = Date.now();
    // four posters of 100-payload batches while the worker works
    let next = 0;
    const answers: Record<string, number> = {};
    const posting = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < TOTAL) {
          const from = next;
          next += PER_REQUEST;
          const res = await post(
            t,
            Array.from({ length: PER_REQUEST }, (_, k) => payload("kill", from + k)),
            true,
          );
          const items = (await res.json()) as { state: string }[];
          for (const item of res.status === 200 ? items : [{ state: `HTTP ${res.status}` }])
            answers[item.state] = (answers[item.state] ?? 0) + 1;
        }
      }),
    );
    // SIGKILL when about a third is settled: jobs in progress, others waiting, more arriving
    await waitFor("a third of the payloads settled", async () => ((await states(t)).VALID ?? 0) >= TOTAL / 3, 60_000, 50);
    await worker.kill();
    const atKill = await states(t);
    expect(atKill.VALID).toBeLessThan(TOTAL);
    await posting;
    expect(answers, output()).toEqual({ VALID: TOTAL });
    // a new worker takes the killed one's jobs back once their locks expire (worker.ts)
    worker = await startWorker();
    await waitFor("every payload VALID", async () => (await states(t)).VALID === TOTAL, 90_000, 250).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await states(t))}${output()}`);
    });
    expect(await states(t)).toEqual({ VALID: TOTAL });
    expect(await measures(t)).toEqual({ total: TOTAL, distinct: TOTAL, odd: [] });
    console.log(`test 1: killed with ${atKill.VALID} settled, all ${TOTAL} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 150_000);

  it("2. Redis stopped while payloads arrive: each refused with 503 or stored and queued by the sweeper; Redis back, all drain", async () => {
    const t = tenants[1] as TTenant;
    const started = Date.now();
    const accepted = new Set<string>();
    const statuses: Record<string, number> = {};
    const postSome = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 4)
        await Promise.all(
          Array.from({ length: Math.min(4, from + count - i) }, async (_, k) => {
            const res = await post(t, payload("redis", i + k, 50)).catch((e: Error) => e);
            const status = res instanceof Error ? res.message : String(res.status);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (res instanceof Error) return;
            const body = (await res.json()) as { payloadId?: string };
            if (res.status === 202 && body.payloadId) accepted.add(body.payloadId);
          }),
        );
    };
    // the worker behind (paused): the first payloads wait in Redis as jobs, and are lost with it
    worker.proc.kill("SIGSTOP");
    try {
      await postSome(0, 100);
      // queued moments after their answer
      await waitFor(
        "the first payloads queued",
        async () => {
          const { rows } = await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM payloads WHERE tenant_id = $1 AND queued_at IS NOT NULL",
            [t.tenantId],
          );
          return rows[0]?.n === 100;
        },
        10_000,
        50,
      );
      // Redis down (and back empty: no persistence), payloads still arriving
      await redis.stop();
      await postSome(100, 200);
    } finally {
      worker.proc.kill("SIGCONT");
    }
    // the worker running again sees Redis down for a while, then back without its data
    await sleep(1000);
    await redis.start();
    expect(statuses[202]).toBeGreaterThanOrEqual(100);
    await expectNothingLost(t, accepted, statuses);
    console.log(`test 2: answers ${JSON.stringify(statuses)}, drained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);

  it("3. Postgres restarted under load: 503 while it is down, the worker resumes, nothing accepted lost", async () => {
    const t = tenants[2] as TTenant;
    const started = Date.now();
    const accepted = new Set<string>();
    const statuses: Record<string, number> = {};
    const count = (status: string) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    };
    let n = 0;
    let stop = false;
    // four posters, one payload a request, a few hundred a second
    const posters = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!stop) {
          const res = await post(t, payload("pg", n++, 100)).catch((e: Error) => e);
          if (res instanceof Error) {
            count(`error: ${res.message}`);
            continue;
          }
          const body = (await res.json()) as { payloadId?: string; error?: { code: string } };
          if (res.status === 202 && body.payloadId) accepted.add(body.payloadId);
          const unavailable =
            res.status === 503 && body.error?.code === "UNAVAILABLE" && Number(res.headers.get("retry-after")) > 0;
          count(res.status === 503 && !unavailable ? `503 ${JSON.stringify(body)}` : String(res.status));
          await sleep(res.status === 503 ? 50 : 5);
        }
      }),
    );
    await sleep(2000);
    // down longer than a payload job's retries last (5 attempts, 1 s exponential: 15 s)
    await postgres.restart("fast", OUTAGE_MS);
    await sleep(2000);
    stop = true;
    await posters;
    expect(statuses[503], JSON.stringify(statuses)).toBeGreaterThan(0);
    await expectNothingLost(t, accepted, statuses);
    console.log(`test 3: answers ${JSON.stringify(statuses)}, drained in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 120_000);
});
