import { callAsOwner } from "@iot/api";
import {
  RULE_RUN_JOB_OPTIONS,
  SCHEDULES_CHANGED_CHANNEL,
  type TScheduleServices,
  ZScheduleChange,
  jobs,
  reconcileSchedules,
  runSchedule,
  runScheduledRule,
  scheduledTimeOfJob,
  syncChange,
} from "@iot/core";
import type { Job, Queue } from "bullmq";
import type { Logger } from "@iot/core";
import { Redis } from "ioredis";

// The worker's side of schedules: the jobs their job schedulers make (a schedule's action;
// a schedule-triggered rule fired) and keeping those schedulers in step with the database:
// reconciled at start and every 30 s (defaults of new tenants, changes made while no
// worker listened), and one schedule or rule synced at once when the web process says it
// changed.

/** The handlers of run-schedule and run-scheduled-rule jobs; rule runs go to the rule-runs queue. */
export function scheduleJobs(deps: { queues: Map<string, Queue>; callApi?: TScheduleServices["callApi"] }) {
  const services: TScheduleServices = {
    async queueRun(tenantId, runId) {
      const runs = deps.queues.get(jobs.runRule.queue);
      if (!runs) throw new Error(`no queue ${jobs.runRule.queue}`);
      await runs.add(jobs.runRule.name, { tenantId, runId }, { ...RULE_RUN_JOB_OPTIONS, jobId: runId });
    },
    callApi: deps.callApi ?? ((call) => callAsOwner(call)),
  };
  return {
    services,
    /** A schedule's time (or schedules.runNow): its action, its outcome recorded on it. */
    run: (p: { tenantId: string; scheduleId: string; manual: boolean }, job?: Job) =>
      runSchedule(p.tenantId, p.scheduleId, services, { ...scheduledTimeOfJob(job), manual: p.manual }),
    /** A schedule-triggered rule's time: the rule fires, its run queued. */
    runRule: (p: { tenantId: string; ruleId: string }, job?: Job) =>
      runScheduledRule(p.tenantId, p.ruleId, services, scheduledTimeOfJob(job)),
  };
}

export interface ScheduleSync {
  /** Runs a reconcile now (after those under way); what it did. */
  reconcile(): Promise<Awaited<ReturnType<typeof reconcileSchedules>> | null>;
  close(): Promise<void>;
}

/**
 * Keeps the schedules queue's job schedulers in step with the database: a reconcile now
 * and every `everyMs`, and each change announced on SCHEDULES_CHANGED_CHANNEL synced at
 * once. Reconciles and syncs run one at a time.
 */
export async function startScheduleSync(
  queue: Queue,
  opts: { redisUrl: string; everyMs?: number; log?: Pick<Logger, "error"> },
): Promise<ScheduleSync> {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    const next = chain.then(fn).catch((error: Error) => {
      (opts.log ?? console).error(`schedules: ${what}: ${error.message}`);
      return null;
    });
    chain = next;
    return next;
  };
  const reconcile = () => serial("reconcile", () => reconcileSchedules(queue));

  const subscriber = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on("error", () => {}); // reconnects by itself; the periodic reconcile catches up
  subscriber.on("message", (channel: string, text: string) => {
    if (channel !== SCHEDULES_CHANGED_CHANNEL) return;
    let change: ReturnType<typeof ZScheduleChange.parse>;
    try {
      change = ZScheduleChange.parse(JSON.parse(text));
    } catch {
      return;
    }
    void serial("sync", () => syncChange(queue, change));
  });
  await subscriber.subscribe(SCHEDULES_CHANGED_CHANNEL);

  await reconcile();
  const timer = setInterval(() => void reconcile(), opts.everyMs ?? 30_000);
  timer.unref();

  return {
    reconcile,
    async close() {
      clearInterval(timer);
      await chain;
      subscriber.disconnect();
    },
  };
}
