import {
  type JobName,
  type TPipelineOptions,
  applyRetention,
  createPartitionsAhead,
  enqueuePayloads,
  jobs,
  markQueued,
  processPayloads,
  purgeAuthRecords,
  unqueuedPayloads,
} from "@iot/core";
import { withPlatform } from "@iot/db";
import { type Job, type Queue, UnrecoverableError } from "bullmq";
import type { ruleJobs } from "./rule-jobs";
import type { scheduleJobs } from "./schedules";

// One handler per job definition. The payload is validated again here: a job that
// does not match its schema will never succeed, so it fails without retries.
type Handler = (payload: unknown, job: Job, token?: string) => Promise<unknown>;

function handler<N extends JobName>(
  name: N,
  run: (payload: ReturnType<(typeof jobs)[N]["payload"]["parse"]>, job: Job, token?: string) => Promise<unknown>,
): [string, Handler] {
  const def = jobs[name];
  return [
    def.name,
    async (raw, job, token) => {
      const parsed = def.payload.safeParse(raw ?? {});
      if (!parsed.success) throw new UnrecoverableError(`invalid ${def.name} payload: ${parsed.error.message}`);
      return run(parsed.data as ReturnType<(typeof jobs)[N]["payload"]["parse"]>, job, token);
    },
  ];
}

/** Sweeper pages per run: 100,000 payloads a minute at most, whatever was left behind. */
const SWEEP_PAGES = 100;

/** The handlers; sweeping needs the payload shard queues, the pipeline its hand-offs, rules their jobs. */
export const buildHandlers = (
  queues: Map<string, Queue>,
  pipeline: Pick<TPipelineOptions, "handOff" | "refused">,
  rules: ReturnType<typeof ruleJobs>,
  schedules: ReturnType<typeof scheduleJobs>,
) =>
  new Map<string, Handler>([
    handler("sweepPayloads", async (p) => {
      let requeued = 0;
      for (let page = 0; page < SWEEP_PAGES; page++) {
        const stranded = await withPlatform((db) => unqueuedPayloads(db, p.olderThanSeconds * 1000, 1000));
        if (!stranded.length) break;
        const ids = await enqueuePayloads((name) => queueOf(queues, name), stranded);
        await withPlatform((db) => markQueued(db, ids));
        requeued += ids.length;
      }
      return { requeued };
    }),
    handler("purgeAuthRecords", (p) => withPlatform((db) => purgeAuthRecords(db, p.olderThanHours))),
    handler("createMeasurePartitions", (p) => withPlatform((db) => createPartitionsAhead(db, p.monthsAhead))),
    handler("processPayloads", async (p) => {
      const provisioning = process.env.PROVISIONING_STRATEGY === "catalog" ? "catalog" : "auto";
      const results = await processPayloads(p.payloadIds, { provisioning, ...pipeline });
      const states: Record<string, number> = {};
      for (const r of results) states[r.state] = (states[r.state] ?? 0) + 1;
      return states;
    }),
    handler("evaluateRules", (p) => rules.evaluate(p)),
    handler("checkRuleHold", (p) => rules.checkHold(p)),
    handler("runRule", (p, job, token) => rules.run(p, job, token)),
    handler("pruneRuleRuns", (p) => rules.prune(p)),
    handler("runSchedule", (p, job) => schedules.run(p, job)),
    handler("runScheduledRule", (p, job) => schedules.runRule(p, job)),
    handler("applyMeasureRetention", () => withPlatform((db) => applyRetention(db), { timeout: 30 * 60_000 })),
  ]);

function queueOf(queues: Map<string, Queue>, name: string): Queue {
  const queue = queues.get(name);
  if (!queue) throw new Error(`no queue ${name}`);
  return queue;
}
