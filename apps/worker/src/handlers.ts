import { type JobName, applyRetention, createPartitionsAhead, jobs, processPayload, purgeAuthRecords } from "@iot/core";
import { withPlatform } from "@iot/db";
import { UnrecoverableError } from "bullmq";

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

export const handlers = new Map<string, Handler>([
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
