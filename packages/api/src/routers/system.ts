import {
  AppError,
  QUEUES,
  discardFailedJob,
  failedJobs,
  ingestRate,
  payloadBacklog,
  queueStats,
  retryFailedJob,
  tenantUsage,
} from "@iot/core";
import { z } from "zod";
import { queueByName } from "../queues";
import { createRouter, platformProcedure } from "../trpc";

// The System page: the platform's queues, ingest rate, failed jobs (retried or discarded
// from there) and what each tenant uses. Platform admins only.

const ZJobRef = z.object({
  queue: z.string().refine((q) => QUEUES.includes(q), "must be one of the worker's queues"),
  jobId: z.string().min(1).max(200),
});

const queue = (name: string) => {
  const q = queueByName(name);
  if (!q) throw AppError.notFound("queue", name);
  return q;
};

/** Counting every tenant's measures reads the whole table: done at most once a minute. */
const USAGE_TTL_MS = 60_000;
let usage: { at: number; rows: ReturnType<typeof tenantUsage> } | null = null;

export const systemRouter = createRouter({
  /** Every queue's jobs by state and oldest waiting job, payloads received per minute over the last 15, and the payloads not processed yet. */
  overview: platformProcedure.query(async ({ ctx }) => {
    const queues = await Promise.all(QUEUES.map((name) => queueStats(queue(name))));
    // one after the other: they share the transaction's connection
    const rate = await ingestRate(ctx.db, 15);
    const backlog = await payloadBacklog(ctx.db);
    const now = Date.now();
    return {
      at: new Date(now),
      queues: queues.map((q) => ({
        queue: q.queue,
        counts: q.counts,
        oldestWaitingSeconds: q.oldestWaitingAt ? Math.max(0, (now - q.oldestWaitingAt) / 1000) : 0,
      })),
      ingestRate: rate,
      backlog,
    };
  }),

  /** The newest failed jobs, of one queue or all. */
  failedJobs: platformProcedure
    .input(z.object({ queue: ZJobRef.shape.queue.optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ input }) => failedJobs((input.queue ? [input.queue] : QUEUES).map(queue), input.limit)),

  retryJob: platformProcedure.input(ZJobRef).mutation(async ({ input }) => {
    await retryFailedJob(queue(input.queue), input.jobId);
    return { ok: true };
  }),

  discardJob: platformProcedure.input(ZJobRef).mutation(async ({ input }) => {
    await discardFailedJob(queue(input.queue), input.jobId);
    return { ok: true };
  }),

  /** Each tenant's payloads of the last day, measures stored and their storage (refreshed at most once a minute). */
  usage: platformProcedure.query(async ({ ctx }) => {
    if (!usage || Date.now() - usage.at > USAGE_TTL_MS) {
      usage = { at: Date.now(), rows: tenantUsage(ctx.db) };
      usage.rows.catch(() => {
        usage = null;
      });
    }
    return { items: await usage.rows, countedAt: new Date(usage?.at ?? Date.now()) };
  }),
});
