import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { QueueEvents } from "bullmq";
import {
  type TLiveMeasures,
  createTenant,
  listPayloads,
  liveChannel,
  onMeasuresBefore,
  payloadQueue,
  storePayloads,
} from "@iot/core";
import { Redis } from "ioredis";
import { withPlatform } from "@iot/db";
import { afterAll, describe, expect, it } from "vitest";
import { startWorker } from "./worker";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Payloads stored as the webhook stores them (RECEIVED), for the tenant; bodies by decoder. */
function storeReceived(tenantId: string, items: { decoder: "gps-tracker" | "json"; body: unknown }[]) {
  const models = { "gps-tracker": "GpsTracker", json: "GenericJson" };
  return withPlatform((db) =>
    storePayloads(
      db,
      items.map(({ decoder, body }) => ({
        tenantId,
        apiKeyId: null,
        decoder,
        deviceModel: models[decoder],
        state: "RECEIVED" as const,
        reason: null,
        body,
      })),
    ),
  );
}

describe("worker", () => {
  const prefix = `iot-test-${randomUUID().slice(0, 8)}`;
  const running = startWorker({ redisUrl, prefix, concurrency: 2 });
  afterAll(async () => (await running).close());

  it("is healthy once connected to Redis and schedules its repeating jobs", async () => {
    const worker = await running;
    expect(await worker.health()).toMatchObject({ ok: true, redis: "PONG", workers: { maintenance: true } });
    const schedulers = await worker.queues.get("maintenance")?.getJobSchedulers();
    expect(schedulers?.map((s) => s.key)).toEqual(expect.arrayContaining(["purge-auth-records", "create-measure-partitions"]));
  });

  it("runs a job: old ended sessions are purged, live ones kept", async () => {
    const worker = await running;
    const userId = randomUUID();
    const old = new Date(Date.now() - 3 * 86_400_000);
    await withPlatform(async (db) => {
      await db.user.create({ data: { id: userId, email: `${userId}@example.test`, name: "w", passwordHash: "x" } });
      await db.session.createMany({
        data: [
          { tokenHash: `old-${userId}`, userId, expiresAt: old },
          { tokenHash: `live-${userId}`, userId, expiresAt: new Date(Date.now() + 86_400_000) },
        ],
      });
    });
    const queue = worker.queues.get("maintenance");
    const events = new QueueEvents("maintenance", { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    const job = await queue?.add("purge-auth-records", { olderThanHours: 24 });
    const result = await job?.waitUntilFinished(events, 10_000);
    await events.close();
    expect(result.sessions).toBeGreaterThanOrEqual(1);
    const left = await withPlatform((db) => db.session.findMany({ where: { userId }, select: { tokenHash: true } }));
    expect(left.map((s) => s.tokenHash)).toEqual([`live-${userId}`]);
  });

  it("creates the measure partitions of this month and the next ones", async () => {
    const worker = await running;
    const events = new QueueEvents("maintenance", { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    const job = await worker.queues.get("maintenance")?.add("create-measure-partitions", { monthsAhead: 14 });
    const created: string[] = await job?.waitUntilFinished(events, 60_000);
    await events.close();
    const now = new Date();
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 14, 1));
    expect(created).toHaveLength(15);
    expect(created.at(-1)).toBe(`measures_y${later.getUTCFullYear()}m${String(later.getUTCMonth() + 1).padStart(2, "0")}`);
  }, 90_000);

  it("the sweeper queues payloads stored but never queued, and the pipeline processes them", async () => {
    const worker = await running;
    const tenant = await withPlatform((db) => createTenant(db, { name: `sweep-${randomUUID().slice(0, 6)}`, group: "commons" }));
    const [id] = await storeReceived(tenant.id, [
      { decoder: "gps-tracker", body: { id: `sw-${randomUUID().slice(0, 6)}`, lat: 1, lon: 2 } },
    ]);
    await withPlatform(
      (db) => db.$executeRaw`UPDATE payloads SET received_at = now() - interval '2 minutes' WHERE id = ${id}::uuid`,
    );
    const events = new QueueEvents("maintenance", { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    const job = await worker.queues.get("maintenance")?.add("sweep-payloads", { olderThanSeconds: 30 });
    const swept = await job?.waitUntilFinished(events, 30_000);
    await events.close();
    expect(swept.requeued).toBeGreaterThanOrEqual(1);
    let state = "RECEIVED";
    for (let i = 0; i < 50 && state === "RECEIVED"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const rows = await withPlatform(
        (db) => db.$queryRaw<{ state: string }[]>`SELECT state FROM payloads WHERE id = ${id}::uuid`,
      );
      state = rows[0]?.state ?? "missing";
    }
    expect(state).toBe("VALID");
  }, 60_000);

  it("works a job of many payloads in one go: a bad one is ERROR alone, the rest stored, handed to rules and live subscribers", async () => {
    const worker = await running;
    const tenant = await withPlatform((db) => createTenant(db, { name: `batch-${randomUUID().slice(0, 6)}`, group: "commons" }));
    const tracker = `bt-${randomUUID().slice(0, 6)}`;
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const ids = await storeReceived(tenant.id, [
      { decoder: "gps-tracker", body: { id: tracker, lat: 45.1, lon: 4.1, batt: 90, timestamp: t0 } },
      { decoder: "json", body: { reference: "j-1", measures: [{ name: "nope", type: "temperature", values: {} }] } },
      { decoder: "gps-tracker", body: { id: tracker, lat: 45.2, lon: 4.2, batt: 89, timestamp: t0 + 30 } },
    ]);
    const subscriber = new Redis(redisUrl);
    const live: TLiveMeasures[] = [];
    subscriber.on("message", (_channel, message) => live.push(JSON.parse(message)));
    await subscriber.subscribe(liveChannel(tenant.id));

    const events = new QueueEvents(payloadQueue(0), { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    const job = await worker.queues.get(payloadQueue(0))?.add("process-payloads", { payloadIds: ids });
    expect(await job?.waitUntilFinished(events, 30_000)).toEqual({ VALID: 2, ERROR: 1 });
    await events.close();

    const rows = await withPlatform(
      (db) => db.$queryRaw<{ id: string; state: string; reason: string | null; measures: number }[]>`
        SELECT id, state, reason, measures FROM payloads WHERE id = ANY(${ids}::uuid[])`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => byId.get(id)?.state)).toEqual(["VALID", "ERROR", "VALID"]);
    expect(byId.get(ids[1] as string)?.reason).toMatch(/"nope" is not a measure/);
    expect(byId.get(ids[0] as string)?.measures).toBe(2);

    for (let i = 0; i < 50 && !live.length; i++) await new Promise((r) => setTimeout(r, 100));
    await subscriber.quit();
    const positions = live.flatMap((m) => m.devices.flatMap((d) => d.measures.filter((x) => x.name === "position")));
    expect(live.every((m) => m.tenantId === tenant.id)).toBe(true);
    expect(positions.map((p) => p.measuredAt)).toEqual([
      new Date(t0 * 1000).toISOString(),
      new Date((t0 + 30) * 1000).toISOString(),
    ]);

    // each measure of the job an event for the tenant's rules, and the refused payload too
    const eventsOfTenant = async () =>
      ((await worker.queues.get("rules")?.getJobs(["waiting", "active", "completed"])) ?? [])
        .filter((j) => j.data.tenantId === tenant.id)
        .flatMap((j) => j.data.events as { event: string; measure?: { name: string }; data?: { payload?: { id: string } } }[]);
    let ruleEvents = await eventsOfTenant();
    for (let i = 0; i < 50 && !ruleEvents.some((e) => e.event === "payload.error"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ruleEvents = await eventsOfTenant();
    }
    expect(ruleEvents.filter((e) => e.measure?.name === "position")).toHaveLength(2);
    expect(ruleEvents.filter((e) => e.event === "payload.error").map((e) => e.data?.payload?.id)).toEqual([ids[1]]);
  }, 60_000);

  it("a job that keeps failing for a transient reason is retried, then its payloads are FAILED with the error and listed", async () => {
    const worker = await running;
    const tenant = await withPlatform((db) => createTenant(db, { name: `fail-${randomUUID().slice(0, 6)}`, group: "commons" }));
    // an enrichment step that is down, for this tenant only
    let calls = 0;
    const off = onMeasuresBefore((ctx) => {
      if (ctx.tenantId !== tenant.id) return;
      calls++;
      throw new Error("enrichment service unavailable");
    });
    try {
      const ids = await storeReceived(tenant.id, [
        { decoder: "gps-tracker", body: { id: `f-${randomUUID().slice(0, 6)}`, lat: 1, lon: 2 } },
      ]);
      const events = new QueueEvents(payloadQueue(1), { connection: { url: redisUrl }, prefix });
      await events.waitUntilReady();
      const job = await worker.queues
        .get(payloadQueue(1))
        ?.add("process-payloads", { payloadIds: ids }, { attempts: 3, backoff: { type: "fixed", delay: 50 } });
      await expect(job?.waitUntilFinished(events, 30_000)).rejects.toThrow(/enrichment service unavailable/);
      await events.close();
      expect(calls).toBe(3); // once per attempt: a failure that is not the data's is not retried payload by payload
      let listed: Awaited<ReturnType<typeof listPayloads>>["items"] = [];
      for (let i = 0; i < 50 && !listed.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        listed = (await withPlatform((db) => listPayloads(db, { state: "FAILED", limit: 200 }))).items.filter((p) =>
          ids.includes(p.id),
        );
      }
      expect(listed).toEqual([expect.objectContaining({ state: "FAILED", reason: "enrichment service unavailable" })]);
    } finally {
      off();
    }
  }, 60_000);

  it("works only its own payload shards when given them (several worker processes, each a shard stays in order)", async () => {
    const mine = await startWorker({ redisUrl, prefix: `iot-test-${randomUUID().slice(0, 8)}`, concurrency: 1, shards: [1, 3] });
    try {
      const worked = Object.keys((await mine.health()).workers);
      expect(worked).toEqual(expect.arrayContaining(["maintenance", "rules", "payloads-1", "payloads-3"]));
      expect(worked).not.toContain("payloads-0");
      expect(worked).not.toContain("payloads-2");
    } finally {
      await mine.close();
    }
  });

  it("the process answers /healthz and /readyz, logs JSON lines and stops cleanly on SIGTERM", async () => {
    const port = 39000 + Math.floor(Math.random() * 1000);
    const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
      env: {
        ...process.env,
        WORKER_HEALTH_PORT: String(port),
        QUEUE_PREFIX: `iot-test-${randomUUID().slice(0, 8)}`,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const deadline = Date.now() + 30_000;
    let health: Response | null = null;
    while (Date.now() < deadline) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (health) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(health?.status, output).toBe(200);
    expect(await health?.json()).toMatchObject({ ok: true, redis: "PONG" });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status, output).toBe(200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code, output).toBe(0);
    const lines = output
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { service: string; level: number; msg: string });
    expect(lines.every((l) => l.service === "worker")).toBe(true);
    expect(lines.at(-1)?.msg).toBe("stopped");
  }, 45_000);
});
