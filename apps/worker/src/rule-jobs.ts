import {
  RULE_RUN_JOB_OPTIONS,
  type TRuleServices,
  checkHold,
  evaluateEvents,
  executeRun,
  jobs,
  pruneRuns,
  rulesVersionKey,
} from "@iot/core";
import { withPlatform } from "@iot/db";
import { DelayedError, type Job, type Queue } from "bullmq";
import type { Redis } from "ioredis";

// The rules engine's jobs: evaluate a tenant's events (queue the runs that match and the
// holds-for checks), check a holds-for stretch when due, execute a run. A tenant has at
// most RULE_TENANT_CONCURRENCY runs executing at once across workers (a Redis sorted set):
// a run over the cap waits, delayed, without holding a worker slot; each run has a
// deadline (RULE_RUN_TIMEOUT_MS). Slow rules of one tenant so never hold back another's.

export interface RuleJobOptions {
  tenantConcurrency: number;
  runTimeoutMs: number;
}

export const ruleJobOptions = (): RuleJobOptions => ({
  tenantConcurrency: Number(process.env.RULE_TENANT_CONCURRENCY ?? 8),
  runTimeoutMs: Number(process.env.RULE_RUN_TIMEOUT_MS ?? 30_000),
});

const runningKey = (tenantId: string) => `iot:rules:running:${tenantId}`;

export function ruleJobs(deps: {
  redis: Redis;
  /** The queue prefix, which the rules version keys share with the web process. */
  prefix: string;
  queues: Map<string, Queue>;
  services: TRuleServices;
  options: RuleJobOptions;
}) {
  const runs = deps.queues.get(jobs.runRule.queue) as Queue;
  const rules = deps.queues.get(jobs.evaluateRules.queue) as Queue;
  const queueRuns = (tenantId: string, ids: string[]) =>
    ids.length
      ? runs.addBulk(
          ids.map((runId) => ({
            name: jobs.runRule.name,
            data: { tenantId, runId },
            opts: { ...RULE_RUN_JOB_OPTIONS, jobId: runId },
          })),
        )
      : Promise.resolve([]);

  /** The tenant's rules version; made "0" when Redis has none (never changed, or Redis came back empty). */
  const rulesVersion = async (tenantId: string): Promise<string | null> => {
    const key = rulesVersionKey(deps.prefix, tenantId);
    const result = await deps.redis.multi().set(key, "0", "NX").get(key).exec();
    return (result?.[1]?.[1] as string | null | undefined) ?? null;
  };

  return {
    async evaluate(p: { tenantId: string; events: Parameters<typeof evaluateEvents>[1] }) {
      const outcome = await evaluateEvents(p.tenantId, p.events, { version: await rulesVersion(p.tenantId) });
      await queueRuns(p.tenantId, outcome.runIds);
      if (outcome.checks.length)
        await rules.addBulk(
          outcome.checks.map((c) => ({
            name: jobs.checkRuleHold.name,
            data: { tenantId: c.tenantId, ruleId: c.ruleId, twinKey: c.twinKey, since: c.since },
            opts: {
              jobId: `hold-${c.ruleId}-${c.twinKey}-${Date.parse(c.since)}`,
              delay: Math.max(0, Date.parse(c.dueAt) - Date.now()) + 20,
              removeOnComplete: 1000,
              removeOnFail: 5000,
            },
          })),
        );
      const depth = Math.max(0, ...p.events.map((e) => e.depth ?? 0));
      for (const alert of outcome.cleared)
        await deps.services.alertChanged({ type: "cleared", tenantId: p.tenantId, alert, depth });
      return {
        events: outcome.events,
        evaluations: outcome.evaluations,
        runs: outcome.runIds.length,
        checks: outcome.checks.length,
      };
    },

    async checkHold(p: { tenantId: string; ruleId: string; twinKey: string; since: string }) {
      const id = await checkHold(p, { version: await rulesVersion(p.tenantId) });
      if (id) await queueRuns(p.tenantId, [id]);
      return { fired: Boolean(id) };
    },

    async run(p: { tenantId: string; runId: string }, job: Job, token?: string) {
      // the tenant's runs executing now, as a sorted set by start time: a run whose worker
      // died is forgotten once it is twice its deadline old, so a crash never lowers the cap
      const key = runningKey(p.tenantId);
      const now = Date.now();
      const [, , count] = ((await deps.redis
        .multi()
        .zremrangebyscore(key, 0, now - 2 * deps.options.runTimeoutMs)
        .zadd(key, now, p.runId)
        .zcard(key)
        .pexpire(key, 4 * deps.options.runTimeoutMs)
        .exec()) ?? []) as [unknown, unknown, [Error | null, number]];
      if ((count?.[1] ?? 0) > deps.options.tenantConcurrency) {
        await deps.redis.zrem(key, p.runId);
        await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 200), token);
        throw new DelayedError();
      }
      try {
        const outcome = await executeRun(p.tenantId, p.runId, {
          timeoutMs: deps.options.runTimeoutMs,
          attempt: job.attemptsMade + 1,
          maxAttempts: job.opts.attempts ?? 1,
          services: deps.services,
        });
        if (outcome.status === "retry") throw new Error(outcome.error);
        return outcome;
      } finally {
        await deps.redis.zrem(key, p.runId);
      }
    },

    prune: (p: { olderThanDays: number }) => withPlatform((db) => pruneRuns(db, p.olderThanDays)),
  };
}
