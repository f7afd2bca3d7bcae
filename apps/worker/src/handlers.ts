import {
  type JobName,
  type TPipelineOptions,
  applyRetention,
  createPartitionsAhead,
  enqueuePayloads,
  jobs,
  type Logger,
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
  pipeline: Pick<TPipelineOptions, "handOff" | "refused" | "onStep" | "onSettled">,
  rules: ReturnType<typeof ruleJobs>,
  schedules: ReturnType<typeof scheduleJobs>,
  log?: Logger,
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
    handler("processPayloads", async (p, job) => {
      const provisioning = process.env.PROVISIONING_STRATEGY === "catalog" ? "catalog" : "auto";
      const ids = await withWaiting(queues.get(job.queueName), p.payloadIds);
      const requests = new Set<string>();
      const results = await processPayloads(ids, {
        provisioning,
        ...pipeline,
        onSettled: (settled) => {
          for (const p of settled) if (p.requestId) requests.add(p.requestId);
          pipeline.onSettled?.(settled);
        },
      });
      const states: Record<string, number> = {};
      for (const r of results) states[r.state] = (states[r.state] ?? 0) + 1;
      // one line per job: grep a request id to find the job that processed its payloads
      log?.info(
        { job: job.id, queue: job.queueName, payloads: results.length, states, reqIds: [...requests] },
        "payloads processed",
      );
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

/** A job's payloads with those of the jobs waiting behind it on its shard, oldest first, up to this many. */
const MERGED_PAYLOADS = 500;

/**
 * Under a backlog, a shard's jobs are many and small (the webhook queues what each group
 * commit stored): a job takes the payloads of the jobs waiting behind it on its shard too,
 * in their order, and works them as one batch. Those jobs run later and find their
 * payloads settled, which the pipeline skips; a shard is worked by one worker at a time, so
 * per-device order holds. A failure leaves their payloads to their own jobs.
 */
async function withWaiting(queue: Queue | undefined, own: string[]): Promise<string[]> {
  if (!queue || own.length >= MERGED_PAYLOADS) return own;
  const waiting = await queue.getJobs(["wait"], 0, 49, true).catch(() => []);
  const ids = new Set(own);
  for (const job of waiting) {
    const more = (job?.data as { payloadIds?: unknown } | undefined)?.payloadIds;
    if (!Array.isArray(more) || ids.size + more.length > MERGED_PAYLOADS) break;
    for (const id of more) if (typeof id === "string") ids.add(id);
  }
  return [...ids];
}

function queueOf(queues: Map<string, Queue>, name: string): Queue {
  const queue = queues.get(name);
  if (!queue) throw new Error(`no queue ${name}`);
  return queue;
}
