import { PAYLOAD_QUEUES, QUEUES, ensureDecoderModels, jobs, markFailed } from "@iot/core";
import { withPlatform } from "@iot/db";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { handOff } from "./hand-off";
import { buildHandlers } from "./handlers";

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
}

export interface RunningWorker {
  queues: Map<string, Queue>;
  /** Redis answers and every queue's worker is running. */
  health(): Promise<{ ok: boolean; redis: string; workers: Record<string, boolean> }>;
  close(): Promise<void>;
}

/** One BullMQ worker per queue, and the repeating jobs scheduled. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  // workers block on Redis: BullMQ requires maxRetriesPerRequest null on their connection
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queues = new Map(QUEUES.map((name) => [name, new Queue(name, { connection, prefix: opts.prefix })]));
  const handlers = buildHandlers(queues, handOff(connection, queues.get(jobs.evaluateRules.queue) as Queue));
  const workers = QUEUES.map(
    (name) =>
      new Worker(
        name,
        async (job: Job) => {
          const run = handlers.get(job.name);
          if (!run) throw new Error(`no handler for job ${job.name} on queue ${name}`);
          return run(job.data);
        },
        // a payload shard is worked one job at a time: that is what keeps a device in order
        { connection, prefix: opts.prefix, concurrency: PAYLOAD_QUEUES.includes(name) ? 1 : opts.concurrency },
      ),
  );
  for (const w of workers) {
    w.on("failed", (job, err) => {
      console.error(`job ${job?.name} ${job?.id} failed: ${err.message}`);
      // out of retries: its payloads are FAILED, with the error, for the payload log
      if (job?.name === jobs.processPayloads.name && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const ids = (job.data as { payloadIds?: string[] }).payloadIds ?? [];
        void withPlatform((db) => markFailed(db, ids, err.message)).catch((e: Error) =>
          console.error("could not mark payloads failed:", e.message),
        );
      }
    });
  }

  // the decoders' device models exist before the first payload provisions a device
  await withPlatform((db) => ensureDecoderModels(db));
  // the months ahead exist from the first minute, not only after the first nightly run
  await queues.get(jobs.createMeasurePartitions.queue)?.add(jobs.createMeasurePartitions.name, {}, { removeOnComplete: 100 });
  for (const def of Object.values(jobs)) {
    if (!def.every) continue;
    await queues.get(def.queue)?.upsertJobScheduler(def.name, def.every, {
      name: def.name,
      data: {},
      opts: { attempts: 3, backoff: { type: "exponential", delay: 5_000 } },
    });
  }

  return {
    queues,
    async health() {
      const redis = await connection.ping().then(
        (r) => r,
        (e: Error) => e.message,
      );
      const state = Object.fromEntries(workers.map((w) => [w.name, w.isRunning()]));
      return { ok: redis === "PONG" && Object.values(state).every(Boolean), redis, workers: state };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}
