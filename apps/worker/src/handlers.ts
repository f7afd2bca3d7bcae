import {
  type JobName,
  PAYLOAD_JOB_OPTIONS,
  applyRetention,
  createPartitionsAhead,
  jobs,
  markQueued,
  processPayload,
  purgeAuthRecords,
  unqueuedPayloads,
} from "@iot/core";
import { withPlatform } from "@iot/db";
import { type Queue, UnrecoverableError } from "bullmq";

// One handler per job definition. The payload is validated again here: a job that
// does not match its schema will never succeed, so it fails without retries.
type Handler = (payload: unknown) => Promise<unknown>;

function handler<N extends JobName>(
  name: N,
  run: (payload: ReturnType<(typeof jobs)[N]["payload"]["parse"]>) => Promise<unknown>,
): [string, Handler] {
  const def = jobs[name];
  return [
    def.name,
    async (raw) => {
      const parsed = def.payload.safeParse(raw ?? {});
      if (!parsed.success) throw new UnrecoverableError(`invalid ${def.name} payload: ${parsed.error.message}`);
      return run(parsed.data as ReturnType<(typeof jobs)[N]["payload"]["parse"]>);
    },
  ];
}

/** The handlers; sweeping needs the payloads queue to put back what was never queued. */
export const buildHandlers = (queues: Map<string, Queue>) =>
  new Map<string, Handler>([
    handler("sweepPayloads", async (p) => {
      const ids = await withPlatform((db) => unqueuedPayloads(db, p.olderThanSeconds * 1000, 1000));
      if (!ids.length) return { requeued: 0 };
      await queues.get(jobs.processPayloads.queue)?.add(jobs.processPayloads.name, { payloadIds: ids }, PAYLOAD_JOB_OPTIONS);
      await withPlatform((db) => markQueued(db, ids));
      return { requeued: ids.length };
    }),
    handler("purgeAuthRecords", (p) => withPlatform((db) => purgeAuthRecords(db, p.olderThanHours))),
    handler("createMeasurePartitions", (p) => withPlatform((db) => createPartitionsAhead(db, p.monthsAhead))),
    handler("processPayloads", async (p) => {
      const strategy = process.env.PROVISIONING_STRATEGY === "catalog" ? "catalog" : "auto";
      const results = [];
      for (const id of p.payloadIds) results.push(await processPayload(id, strategy));
      return results.map((r) => r.state);
    }),
    handler("applyMeasureRetention", () => withPlatform((db) => applyRetention(db), { timeout: 30 * 60_000 })),
  ]);
