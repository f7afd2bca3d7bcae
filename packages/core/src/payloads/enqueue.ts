import { PAYLOAD_JOB_OPTIONS, jobs } from "../jobs/definitions";
import { payloadQueue } from "./shards";

// Stored payloads onto their shard queues: one job per shard carrying up to
// MAX_PER_JOB payloads, added with one addBulk per shard. Shared by the webhook, the
// sweeper and replays (the queue is any BullMQ Queue; core does not depend on BullMQ).

const MAX_PER_JOB = 500;

export interface TBulkQueue {
  addBulk(jobs: { name: string; data: { payloadIds: string[] }; opts?: typeof PAYLOAD_JOB_OPTIONS }[]): Promise<unknown>;
}

/** Queues the payloads by shard; returns the ids queued (all of them, or it throws). */
export async function enqueuePayloads(
  queueOf: (name: string) => TBulkQueue,
  payloads: { id: string; shard: number }[],
): Promise<string[]> {
  const byShard = new Map<number, string[]>();
  for (const p of payloads) {
    const ids = byShard.get(p.shard) ?? [];
    ids.push(p.id);
    byShard.set(p.shard, ids);
  }
  await Promise.all(
    [...byShard].map(([shard, ids]) => {
      const batch = [];
      for (let i = 0; i < ids.length; i += MAX_PER_JOB)
        batch.push({
          name: jobs.processPayloads.name,
          data: { payloadIds: ids.slice(i, i + MAX_PER_JOB) },
          opts: PAYLOAD_JOB_OPTIONS,
        });
      return queueOf(payloadQueue(shard)).addBulk(batch);
    }),
  );
  return payloads.map((p) => p.id);
}
