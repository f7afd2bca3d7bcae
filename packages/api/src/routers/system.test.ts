import { randomUUID } from "node:crypto";
import { QUEUES, storePayloads } from "@iot/core";
import { withPlatform } from "@iot/db";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { redis } from "../queues";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";

// The System page's procedures on the real queues (the test run's prefix) and database.

const prefix = process.env.QUEUE_PREFIX ?? "iot";

/** A job of the maintenance queue failed on purpose by a short-lived worker. */
async function failedJob(queue: Queue, reason: string) {
  const job = await queue.add("purge-auth-records", { olderThanHours: 24, marker: randomUUID() }, { attempts: 1 });
  // blocking connections: BullMQ wants them to retry without limit
  const connections = [1, 2].map(
    () => new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null }),
  );
  const events = new QueueEvents(queue.name, { connection: connections[0] as Redis, prefix });
  await events.waitUntilReady();
  const worker = new Worker(
    queue.name,
    async (j) => {
      if (j.id === job.id) throw new Error(reason);
    },
    { connection: connections[1] as Redis, prefix },
  );
  await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(reason);
  await worker.close();
  await events.close();
  for (const c of connections) c.disconnect();
  return job.id as string;
}

describe("system", () => {
  const maintenance = new Queue("maintenance", { connection: redis(), prefix });
  afterAll(() => maintenance.close());

  it("shows every queue, the ingest rate and each tenant's usage to platform admins only", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    await withPlatform((db) =>
      storePayloads(
        db,
        [1, 2, 3].map(() => ({
          tenantId: tenant.id,
          apiKeyId: null,
          decoder: "json",
          deviceModel: "GenericJson",
          state: "SKIP" as const,
          reason: null,
          body: { n: randomUUID() },
        })),
      ),
    );
    const overview = await admin.as().system.overview();
    expect(overview.queues.map((q) => q.queue)).toEqual(QUEUES);
    for (const q of overview.queues)
      expect(Object.keys(q.counts).sort()).toEqual(["active", "delayed", "failed", "prioritized", "wait"]);
    expect(overview.ingestRate).toHaveLength(15);
    expect(overview.ingestRate.at(-1)?.payloads).toBeGreaterThanOrEqual(3);

    // two payloads stored five minutes ago and never processed: the backlog
    const waiting = await withPlatform(async (db) => {
      const ids = await storePayloads(
        db,
        [1, 2].map(() => ({
          tenantId: tenant.id,
          apiKeyId: null,
          decoder: "json",
          deviceModel: "GenericJson",
          state: "RECEIVED" as const,
          reason: null,
          body: { n: randomUUID() },
        })),
      );
      await db.$executeRaw`UPDATE payloads SET received_at = now() - interval '5 minutes', queued_at = now() WHERE id = ANY(${ids}::uuid[])`;
      return ids;
    });
    const backlog = (await admin.as().system.overview()).backlog;
    expect(backlog.payloads).toBeGreaterThanOrEqual(2);
    expect(backlog.oldestSeconds).toBeGreaterThanOrEqual(299);
    await withPlatform((db) => db.$executeRaw`DELETE FROM payloads WHERE id = ANY(${waiting}::uuid[])`);

    const usage = await admin.as().system.usage();
    expect(usage.items.find((t) => t.tenantId === tenant.id)).toMatchObject({ payloadsLastDay: 3, measures: 0, measureBytes: 0 });

    const member = await signedInMember(admin, tenant.id, ["admin"]);
    await expectCode(member.as(tenant.id).system.overview(), "FORBIDDEN");
    await expectCode(member.as(tenant.id).system.usage(), "FORBIDDEN");
    await expectCode(member.as(tenant.id).system.failedJobs({}), "FORBIDDEN");
  });

  it("lists failed jobs with their reason, retries one and discards another", async () => {
    const admin = (await signedInPlatformAdmin()).as();
    const toRetry = await failedJob(maintenance, "boom to retry");
    const toDiscard = await failedJob(maintenance, "boom to discard");
    const failed = await admin.system.failedJobs({ queue: "maintenance" });
    expect(failed.find((j) => j.id === toRetry)).toMatchObject({
      queue: "maintenance",
      name: "purge-auth-records",
      reason: "boom to retry",
      attempts: 1,
    });
    expect(failed.find((j) => j.id === toDiscard)?.summary).toMatch(/^olderThanHours: 24, marker: /);

    await admin.system.retryJob({ queue: "maintenance", jobId: toRetry });
    expect(await (await maintenance.getJob(toRetry))?.getState()).toBe("waiting");
    await admin.system.discardJob({ queue: "maintenance", jobId: toDiscard });
    expect(await maintenance.getJob(toDiscard)).toBeUndefined();
    // what is not a failed job cannot be retried or discarded, and the queue must be one of ours
    await expectCode(admin.system.retryJob({ queue: "maintenance", jobId: toRetry }), "CONFLICT");
    await expectCode(admin.system.discardJob({ queue: "maintenance", jobId: "no-such-job" }), "NOT_FOUND");
    const bad = await expectCode(admin.system.retryJob({ queue: "nope", jobId: "1" }), "BAD_REQUEST");
    expect(bad.message).toMatch(/^queue: must be one of the worker's queues/);
    await (await maintenance.getJob(toRetry))?.remove();
  });
});
