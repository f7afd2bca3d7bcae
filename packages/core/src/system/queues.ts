import type { Job, Queue } from "bullmq";
import { AppError } from "../errors";
import type { TQueueStats } from "../observability/metrics";

// The queues as operators see them: how many jobs wait, run, wait for a retry or failed,
// how old the oldest waiting job is, and the failed jobs themselves, to retry or discard.

export const QUEUE_STATES = ["wait", "active", "delayed", "prioritized", "failed"] as const;

export async function queueStats(queue: Queue): Promise<TQueueStats> {
  const [counts, oldest] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getJobs(["wait"], 0, 0, true)]);
  return { queue: queue.name, counts, oldestWaitingAt: oldest[0]?.timestamp ?? null };
}

export interface TFailedJob {
  queue: string;
  id: string;
  name: string;
  reason: string;
  attempts: number;
  failedAt: Date | null;
  /** What the job was about, shortened (its payload ids, its tenant...). */
  summary: string;
}

function summaryOf(job: Job): string {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const ids = data.payloadIds;
  if (Array.isArray(ids)) return `${ids.length} payload${ids.length === 1 ? "" : "s"}`;
  const parts = Object.entries(data)
    .filter(([, v]) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .map(([k, v]) => `${k}: ${v}`);
  return parts.join(", ").slice(0, 200);
}

/** The newest failed jobs of these queues, newest first. */
export async function failedJobs(queues: Queue[], limit: number): Promise<TFailedJob[]> {
  const lists = await Promise.all(queues.map((q) => q.getJobs(["failed"], 0, limit - 1)));
  return lists
    .flat()
    .filter((job): job is Job => Boolean(job))
    .map((job) => ({
      queue: job.queueName,
      id: job.id ?? "",
      name: job.name,
      reason: job.failedReason ?? "",
      attempts: job.attemptsMade,
      failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
      summary: summaryOf(job),
    }))
    .sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0))
    .slice(0, limit);
}

async function failedJob(queue: Queue, id: string): Promise<Job> {
  const job = await queue.getJob(id);
  if (!job) throw AppError.notFound(`job in ${queue.name}`, id);
  if (!(await job.isFailed())) throw AppError.conflict(`job ${id} of ${queue.name} has not failed`);
  return job;
}

/** A failed job back to wait, its attempts counted afresh. */
export async function retryFailedJob(queue: Queue, id: string): Promise<void> {
  await (await failedJob(queue, id)).retry("failed");
}

/** A failed job removed for good (its payloads stay FAILED in the payload log). */
export async function discardFailedJob(queue: Queue, id: string): Promise<void> {
  await (await failedJob(queue, id)).remove();
}
