import { randomUUID } from "node:crypto";
import pg from "pg";
import { NodeChild, PrivatePostgres, PrivateRedis, freePort, runScript, waitFor } from "./infra";

// Several ingest and worker processes on one private Postgres and one private Redis, as
// the scale-out test and bench/scale run them: the platform's processes as child
// processes (what a container or a supervisor would start), a tenant with an ingest key,
// posters that send each device's payloads in order, and the checks read back with plain
// pg as the owner role.

export interface TClusterTenant {
  tenantId: string;
  token: string;
}

/** A json-decoder payload: one measure of device `i % devices`, at its own instant after t0. */
export const payloadOf = (tag: string, i: number, devices: number, t0: number) => ({
  reference: `${tag}-dev-${i % devices}`,
  measures: [
    {
      name: "temperature",
      type: "temperature",
      values: { temperature: 15 + (i % 100) / 10 },
      measuredAt: new Date(t0 + i).toISOString(),
    },
  ],
});

export class Cluster {
  readonly ingests: NodeChild[] = [];
  readonly workers: NodeChild[] = [];
  readonly ingestUrls: string[] = [];
  readonly workerUrls: string[] = [];
  private constructor(
    readonly redis: PrivateRedis,
    readonly postgres: PrivatePostgres,
    readonly env: Record<string, string>,
    readonly tenant: TClusterTenant,
    readonly db: pg.Pool,
  ) {}

  /** A fresh database and Redis, then `ingests` webhook processes and `workers` workers, all healthy. */
  static async start(opts: { ingests: number; workers: number; extraEnv?: Record<string, string> }): Promise<Cluster> {
    const redis = await PrivateRedis.create();
    const postgres = await PrivatePostgres.create();
    const database = "iot_cluster";
    const env = {
      DATABASE_ADMIN_URL: postgres.url("postgres", "postgres"),
      DATABASE_OWNER_URL: postgres.url("iot_owner:iot_owner", database),
      DATABASE_URL: postgres.url("iot_app:iot_app", database),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `iot-cluster-${randomUUID().slice(0, 8)}`,
      INGEST_RATE_PER_MINUTE: "100000000",
      LOG_LEVEL: "warn",
      ...opts.extraEnv,
    };
    const [tenant] = await runScript<TClusterTenant[]>("apps/worker/src/faults/setup-db.ts", { ...env, FAULT_TENANTS: "1" });
    const db = new pg.Pool({ connectionString: env.DATABASE_OWNER_URL, max: 2 });
    db.on("error", () => undefined);
    const cluster = new Cluster(redis, postgres, env, tenant as TClusterTenant, db);
    await Promise.all([
      ...Array.from({ length: opts.ingests }, () => cluster.addIngest()),
      ...Array.from({ length: opts.workers }, () => cluster.addWorker()),
    ]);
    return cluster;
  }

  async addIngest(): Promise<NodeChild> {
    const port = await freePort();
    const child = new NodeChild(`ingest ${this.ingests.length + 1}`, "apps/ingest/src/main.ts", {
      ...this.env,
      INGEST_PORT: String(port),
    });
    this.ingests.push(child);
    this.ingestUrls.push(`http://127.0.0.1:${port}`);
    await child.waitHealthy(`http://127.0.0.1:${port}/healthz`);
    return child;
  }

  async addWorker(): Promise<NodeChild> {
    const port = await freePort();
    const child = new NodeChild(`worker ${this.workers.length + 1}`, "apps/worker/src/main.ts", {
      ...this.env,
      WORKER_HEALTH_PORT: String(port),
    });
    this.workers.push(child);
    this.workerUrls.push(`http://127.0.0.1:${port}`);
    await child.waitHealthy(`http://127.0.0.1:${port}/healthz`);
    return child;
  }

  /**
   * Posts `total` payloads of `devices` devices in batches of `batch`, from `posters`
   * concurrent posters: poster p sends the payloads of the devices d with d % posters == p,
   * in order, each batch after the previous one's answer, to ingest p % ingests. So each
   * device's payloads reach the webhook in order, spread over every ingest process.
   * Resolves with the answers counted by state (or HTTP status) and the seconds it took.
   */
  async post(opts: { total: number; devices: number; batch: number; posters: number; tag: string; t0: number }) {
    const answers: Record<string, number> = {};
    const started = performance.now();
    await Promise.all(
      Array.from({ length: opts.posters }, async (_, p) => {
        const url = `${this.ingestUrls[p % this.ingestUrls.length]}/api/payloads/json/batch`;
        const mine: number[] = [];
        for (let i = 0; i < opts.total; i++) if ((i % opts.devices) % opts.posters === p) mine.push(i);
        for (let k = 0; k < mine.length; k += opts.batch) {
          const body = mine.slice(k, k + opts.batch).map((i) => payloadOf(opts.tag, i, opts.devices, opts.t0));
          const res = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${this.tenant.token}` },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
          });
          const items = res.status === 200 ? ((await res.json()) as { state: string }[]) : [{ state: `HTTP ${res.status}` }];
          for (const item of items) answers[item.state] = (answers[item.state] ?? 0) + 1;
        }
      }),
    );
    return { answers, seconds: (performance.now() - started) / 1000 };
  }

  async states(): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ state: string; n: number }>(
      "SELECT state, count(*)::int AS n FROM payloads WHERE tenant_id = $1 GROUP BY state ORDER BY state",
      [this.tenant.tenantId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Waits until `total` payloads are VALID (throws with the states and the processes' output otherwise). */
  async settled(total: number, timeoutMs: number): Promise<void> {
    await waitFor("every payload VALID", async () => (await this.states()).VALID === total, timeoutMs, 200).catch(
      async (e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(await this.states())}${this.output()}`);
      },
    );
  }

  /** The tenant's measures: in all, distinct by their unique key, and the payloads with other than one. */
  async measures() {
    const { rows } = await this.db.query<{ total: number; distinct: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT (origin_id, name, measured_at, payload_id))::int AS distinct
       FROM measures WHERE tenant_id = $1`,
      [this.tenant.tenantId],
    );
    const odd = await this.db.query<{ id: string; n: number }>(
      `WITH m AS (SELECT payload_id, count(*)::int AS n FROM measures WHERE tenant_id = $1 GROUP BY payload_id)
       SELECT p.id, coalesce(m.n, 0) AS n FROM payloads p LEFT JOIN m ON m.payload_id = p.id::text
       WHERE p.tenant_id = $1 AND coalesce(m.n, 0) <> 1 LIMIT 10`,
      [this.tenant.tenantId],
    );
    return { ...(rows[0] as { total: number; distinct: number }), odd: odd.rows };
  }

  /**
   * Devices whose measures were not stored in the order they were measured (each device's
   * payloads were posted in that order): measures by insertion (id) whose time goes back.
   */
  async outOfOrder(): Promise<{ device: string; n: number }[]> {
    const { rows } = await this.db.query<{ device: string; n: number }>(
      `SELECT origin_id AS device, count(*)::int AS n FROM (
         SELECT origin_id, measured_at < lag(measured_at) OVER (PARTITION BY origin_id ORDER BY id) AS back
         FROM measures WHERE tenant_id = $1) m
       WHERE back GROUP BY origin_id LIMIT 10`,
      [this.tenant.tenantId],
    );
    return rows;
  }

  output(): string {
    return [...this.ingests, ...this.workers].map((c) => `\n--- ${c.name}:\n${c.output.slice(-2000)}`).join("");
  }

  async close(): Promise<void> {
    await Promise.all([...this.ingests, ...this.workers].map((c) => c.kill()));
    await this.db.end().catch(() => undefined);
    await Promise.all([this.redis.dispose(), this.postgres.cleanup()]);
  }
}
