import { randomUUID } from "node:crypto";
import { createTenant, payloadQueue, storePayloads, metricSum } from "@iot/core";
import { withPlatform } from "@iot/db";
import { QueueEvents } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { startHealthServer } from "./health";
import { startWorker } from "./worker";

// The worker's /metrics move as it works payloads (scraped before and after), its queues
// show their depth, and /readyz says it is ready.

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("worker observability", () => {
  const prefix = `iot-test-${randomUUID().slice(0, 8)}`;
  const running = startWorker({ redisUrl, prefix, concurrency: 2 });
  const serving = running.then((worker) => startHealthServer(worker, 0));
  afterAll(async () => {
    (await serving).close();
    await (await running).close();
  });
  const base = async () => {
    const address = (await serving).address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  };
  const scrape = async () => (await fetch(`${await base()}/metrics`)).text();

  it("counts and times payload jobs, the pipeline's steps and each tenant's measures; shows its queues", async () => {
    const worker = await running;
    const tenant = await withPlatform((db) =>
      createTenant(db, { name: `metrics-${randomUUID().slice(0, 6)}`, group: "commons" }),
    );
    const before = await scrape();
    expect(before).toContain(`iot_queue_jobs{queue="${payloadQueue(0)}",state="wait"}`);
    const ids = await withPlatform((db) =>
      storePayloads(
        db,
        [1, 2, 3].map((i) => ({
          tenantId: tenant.id,
          apiKeyId: null,
          decoder: "gps-tracker",
          deviceModel: "GpsTracker",
          state: "RECEIVED" as const,
          reason: null,
          body: { id: `m-${randomUUID().slice(0, 6)}`, lat: 45 + i / 10, lon: 4, batt: 90 },
          requestId: `req-worker-${i}`,
        })),
      ),
    );
    const events = new QueueEvents(payloadQueue(0), { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
    const job = await worker.queues.get(payloadQueue(0))?.add("process-payloads", { payloadIds: ids });
    expect(await job?.waitUntilFinished(events, 30_000)).toEqual({ VALID: 3 });
    await events.close();

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta("iot_jobs_total", { job: "process-payloads", result: "completed" })).toBe(1);
    expect(delta("iot_job_duration_seconds_count", { job: "process-payloads" })).toBe(1);
    // (no "settle" step: every payload was settled with its measures)
    for (const step of ["load", "decode", "resolve", "ingest"])
      expect(delta("iot_pipeline_step_seconds_count", { step }), step).toBe(1);
    // a tracker's payload is a position and a battery level: two measures each
    expect(delta("iot_tenant_measures_total", { tenant: tenant.id })).toBe(6);
  }, 60_000);

  it("is ready: Postgres with its migrations, Redis, and every worker running", async () => {
    const res = await fetch(`${await base()}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, postgres: "ok", migrations: "ok", redis: "ok", workers: true });
  });
});
