import { QUEUES, type TScheduleChange, SCHEDULES_CHANGED_CHANNEL, SCHEDULES_QUEUE, jobs, serviceLogger } from "@iot/core";
import type { AfterCommit } from "@iot/db";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

// The web process's side of the queues: one lazily made Redis connection that feeds the
// rules queue, enqueues schedules.runNow's jobs (on the worker's queue prefix), publishes
// live messages and tells the worker that a schedule or rule changed, once committed.

let connection: Redis | null = null;
let schedules: Queue | null = null;
let rules: Queue | null = null;

/** The web process's Redis connection for queues and publishing. */
export const redis = () => {
  connection ??= new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  return connection;
};

const all = new Map<string, Queue>();
/** Any of the worker's queues by name (the System page reads them all), or null for an unknown name. */
export function queueByName(name: string): Queue | null {
  if (!QUEUES.includes(name)) return null;
  let queue = all.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redis(), prefix: process.env.QUEUE_PREFIX ?? "iot" });
    all.set(name, queue);
  }
  return queue;
}

/** The schedules queue, as the worker consumes it. */
export function schedulesQueue(): Queue {
  schedules ??= new Queue(SCHEDULES_QUEUE, { connection: redis(), prefix: process.env.QUEUE_PREFIX ?? "iot" });
  return schedules;
}

/** The rules queue, as the worker consumes it. */
export function rulesQueue(): Queue {
  rules ??= new Queue(jobs.evaluateRules.queue, { connection: redis(), prefix: process.env.QUEUE_PREFIX ?? "iot" });
  return rules;
}

/** Closes the queues and their connection (tests, shutdown). */
export async function closeSchedulesQueue(): Promise<void> {
  await schedules?.close();
  await rules?.close();
  connection?.disconnect();
  schedules = null;
  rules = null;
  connection = null;
}

/** A run of the schedule at once (even when disabled): the job's id. */
export async function enqueueScheduleRun(tenantId: string, scheduleId: string): Promise<string> {
  const job = await schedulesQueue().add(
    jobs.runSchedule.name,
    { tenantId, scheduleId, manual: true },
    { attempts: 1, removeOnComplete: 100, removeOnFail: 500 },
  );
  return job.id as string;
}

/** Once the transaction commits, the worker hears of the change and syncs that schedule's timer. */
export function announceScheduleChanged(db: AfterCommit, change: TScheduleChange): void {
  db.afterCommit(async () => {
    try {
      await redis().publish(SCHEDULES_CHANGED_CHANNEL, JSON.stringify(change));
    } catch (error) {
      // the worker's periodic reconcile catches up
      serviceLogger().error(`schedules: change not announced: ${(error as Error).message}`);
    }
  });
}
