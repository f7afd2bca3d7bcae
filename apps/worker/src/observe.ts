import {
  jobDuration,
  jobs,
  jobsDone,
  type Logger,
  pipelineStep,
  queueStats,
  reportQueues,
  ruleRuns,
  scheduleRuns,
  type TPipelineOptions,
  tenantLabel,
  tenantMeasures,
} from "@iot/core";
import { DelayedError, type Job, type Queue } from "bullmq";

// What the worker tells about itself: its queues (depth and oldest waiting job, read at
// each scrape), every job counted and timed by queue and name, rule and schedule runs by
// outcome, the pipeline's steps timed, measures counted per tenant, and one log line per
// payload job naming the webhook requests its payloads came with.

/** The queues' stats for the /metrics scrape. */
export function reportQueuesOf(queues: Map<string, Queue>): void {
  reportQueues(() => Promise.all([...queues.values()].map(queueStats)));
}

const OUTCOMES = new Set(["done", "failed", "skipped", "error", "retry", "timeout"]);
/** A run's outcome as a label: its status when it says one of the known ones. */
const outcomeOf = (result: unknown) => {
  const status = (result as { status?: unknown } | null)?.status;
  return typeof status === "string" && OUTCOMES.has(status) ? status : "done";
};

/** Runs a job, counting and timing it (and rule and schedule runs by outcome). */
export async function observed<T>(job: Job, run: () => Promise<T>): Promise<T> {
  const labels = { queue: job.queueName, job: job.name };
  const start = performance.now();
  const runs =
    job.name === jobs.runRule.name
      ? ruleRuns
      : job.name === jobs.runSchedule.name || job.name === jobs.runScheduledRule.name
        ? scheduleRuns
        : null;
  try {
    const result = await run();
    jobsDone.inc({ ...labels, result: "completed" });
    runs?.inc({ result: outcomeOf(result) });
    return result;
  } catch (error) {
    // put back to wait (a tenant's rule cap, an unreachable database): not a failure
    if (!(error instanceof DelayedError)) {
      jobsDone.inc({ ...labels, result: "failed" });
      runs?.inc({ result: "failed" });
    }
    throw error;
  } finally {
    jobDuration.observe(labels, (performance.now() - start) / 1000);
  }
}

/** The pipeline's reports: each step timed, each tenant's stored measures counted, each payload logged (debug). */
export function pipelineReports(log: Logger): Pick<TPipelineOptions, "onStep" | "onSettled"> {
  return {
    onStep: (step, seconds) => pipelineStep.observe({ step }, seconds),
    onSettled: (settled) => {
      const byTenant = new Map<string, number>();
      for (const p of settled) {
        if (p.tenantId && p.measures) byTenant.set(p.tenantId, (byTenant.get(p.tenantId) ?? 0) + p.measures);
        log.debug(
          { payload: p.id, reqId: p.requestId, tenant: p.tenantId, state: p.state, measures: p.measures, reason: p.reason },
          "payload settled",
        );
      }
      for (const [tenant, n] of byTenant) tenantMeasures.inc({ tenant: tenantLabel(tenant) }, n);
    },
  };
}
