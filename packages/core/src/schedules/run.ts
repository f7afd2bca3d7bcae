import { truncatedJson } from "../truncate";
import { withTenant } from "@iot/db";
import { fireScheduledRule } from "../rules/engine";
import type { TRuleServices } from "../rules/tasks/task";
import type { TScheduleAction } from "./document";

// A schedule's time has come: its action runs (a rule fired, its run queued; or an API
// call as the schedule's owner) and the outcome is recorded on the schedule (last run,
// status, result, error). A schedule disabled or deleted since its job was queued does
// not run. A schedule-triggered rule's scheduler fires the rule.

export interface TScheduleServices {
  /** Puts a queued rule run on the rule-runs queue. */
  queueRun(tenantId: string, runId: string): Promise<void>;
  /** A tRPC procedure run in the tenant as the owner, with no more than their permissions. */
  callApi: TRuleServices["callApi"];
}

export interface TScheduledTime {
  /** The occurrence this run is for (default: now). */
  at?: Date;
  /** What makes the run unique: the same key never fires a rule twice (default: the time). */
  key?: string;
  /** schedules.runNow: runs even when the schedule is disabled. */
  manual?: boolean;
  /** The API call's deadline (default 60 s). */
  timeoutMs?: number;
}

export type TScheduleOutcome =
  | { status: "skipped"; reason: string }
  | { status: "succeeded"; result: unknown }
  | { status: "failed"; error: string };

/** The recorded result is cut to this size (its JSON). */

interface RunRow {
  enabled: boolean;
  action: TScheduleAction;
  owner_id: string | null;
  name: string;
  rule_exists: boolean | null;
}

export async function runSchedule(
  tenantId: string,
  scheduleId: string,
  services: TScheduleServices,
  time: TScheduledTime = {},
): Promise<TScheduleOutcome> {
  const startedAt = new Date();
  const at = time.at ?? startedAt;
  const [schedule] = await withTenant(
    tenantId,
    (db) => db.$queryRaw<RunRow[]>`
      SELECT s.enabled, s.action, s.owner_id, s.name,
        CASE WHEN s.action->>'type' = 'rule'
          THEN EXISTS (SELECT 1 FROM rules r WHERE r.id::text = s.action->>'ruleId') END AS rule_exists
      FROM schedules s WHERE s.id = ${scheduleId}::uuid`,
  );
  if (!schedule) return { status: "skipped", reason: "the schedule no longer exists" };
  if (!schedule.enabled && !time.manual) return { status: "skipped", reason: "the schedule is disabled" };

  let outcome: TScheduleOutcome;
  try {
    const result = await runAction(tenantId, scheduleId, schedule, services, at, time);
    outcome = { status: "succeeded", result };
  } catch (error) {
    outcome = { status: "failed", error: ((error as Error)?.message ?? String(error)).slice(0, 2000) };
  }
  await withTenant(
    tenantId,
    (db) => db.$executeRaw`
      UPDATE schedules SET last_run_at = ${startedAt}, last_status = ${outcome.status},
        last_result = ${outcome.status === "succeeded" ? truncatedJson(outcome.result) : null}::jsonb,
        last_error = ${outcome.status === "failed" ? outcome.error : null}
      WHERE id = ${scheduleId}::uuid`,
  );
  return outcome;
}

async function runAction(
  tenantId: string,
  scheduleId: string,
  schedule: RunRow,
  services: TScheduleServices,
  at: Date,
  time: TScheduledTime,
): Promise<unknown> {
  const { action } = schedule;
  if (action.type === "rule") {
    if (!schedule.rule_exists) throw new Error(`the rule ${action.ruleId} no longer exists`);
    const key = `${scheduleId}:${time.key ?? at.toISOString()}`;
    const runId = await fireScheduledRule(tenantId, action.ruleId, at, key);
    if (runId) await services.queueRun(tenantId, runId);
    return { ruleId: action.ruleId, runId };
  }
  if (!schedule.owner_id)
    throw new Error("the schedule has no owner yet: save it once to run its API call with your permissions");
  const signal = AbortSignal.timeout(time.timeoutMs ?? 60_000);
  const output = await services.callApi({
    ownerId: schedule.owner_id,
    tenantId,
    path: action.path,
    input: action.input,
    actor: { id: scheduleId, name: `schedule ${schedule.name}` },
    signal,
  });
  return { path: action.path, output: output ?? null };
}

/** A schedule-triggered rule's time: the rule fires (when still enabled and on a schedule) and its run is queued. */
export async function runScheduledRule(
  tenantId: string,
  ruleId: string,
  services: Pick<TScheduleServices, "queueRun">,
  time: Omit<TScheduledTime, "manual" | "timeoutMs"> = {},
): Promise<{ status: "skipped"; reason: string } | { status: "fired"; runId: string | null }> {
  const at = time.at ?? new Date();
  const [rule] = await withTenant(
    tenantId,
    (db) => db.$queryRaw<{ enabled: boolean; trigger_event: string }[]>`
      SELECT enabled, trigger_event FROM rules WHERE id = ${ruleId}::uuid`,
  );
  if (!rule) return { status: "skipped", reason: "the rule no longer exists" };
  if (!rule.enabled || rule.trigger_event !== "schedule")
    return { status: "skipped", reason: "the rule is not enabled on a schedule" };
  const runId = await fireScheduledRule(tenantId, ruleId, at, time.key ?? at.toISOString());
  if (runId) await services.queueRun(tenantId, runId);
  return { status: "fired", runId };
}

/**
 * The occurrence a job of a job scheduler is for: BullMQ names them
 * `repeat:<scheduler id>:<millis>`; other jobs (runNow) are for now, keyed by their id.
 */
export function scheduledTimeOfJob(job: { id?: string | null; opts?: { prevMillis?: number } } | undefined): {
  at: Date;
  key: string;
} {
  const millis = job?.opts?.prevMillis ?? Number(job?.id?.match(/^repeat:.*:(\d+)$/)?.[1] ?? Number.NaN);
  if (Number.isFinite(millis) && job?.id?.startsWith("repeat:")) {
    const at = new Date(millis);
    return { at, key: at.toISOString() };
  }
  const at = new Date();
  return { at, key: job?.id ? `job:${job.id}` : at.toISOString() };
}
