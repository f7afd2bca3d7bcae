import { withTenant } from "@iot/db";
import { truncated } from "../truncate";
import { inRuleRun } from "./feed";
import type { TStep } from "./document";
import { evaluateCondition, type TPayload } from "./evaluate";
import { renderArgs } from "./templates";
import { StepError } from "./tasks/http-task";
import { getTask } from "./tasks/registry";
import type { TRuleServices } from "./tasks/task";
import type { TStepRecord } from "./runs";

// Runs a queued rule run: each step in order, its guard checked, its args rendered from
// the trigger and checked by its task, its output or error, duration and attempts
// recorded. A step that throws fails the run, visibly. When the failing task is retry-safe
// the run is left queued and the job retried: steps that succeeded are not run again.
// The whole run has a deadline; a step still running then is aborted.

export interface TRunOptions {
  /** The run's deadline (ms). */
  timeoutMs: number;
  /** The job's attempt (1 for the first): the last one fails the run for good. */
  attempt: number;
  maxAttempts: number;
  services: TRuleServices;
}

export type TRunOutcome = { status: "succeeded" | "failed" | "skipped"; error?: string } | { status: "retry"; error: string };

interface RunForExecution {
  id: string;
  tenant_id: string;
  group: string;
  status: string;
  trigger: TPayload;
  steps: TStepRecord[];
  rule_id: string;
  rule_name: string;
  rule_steps: TStep[];
  owner_id: string | null;
  auto_clear: boolean;
  depth: number;
}

export async function executeRun(tenantId: string, runId: string, opts: TRunOptions): Promise<TRunOutcome> {
  const run = await withTenant(tenantId, async (db) => {
    const [row] = await db.$queryRaw<RunForExecution[]>`
      UPDATE rule_runs x SET status = 'running', attempts = x.attempts + 1, started_at = coalesce(x.started_at, clock_timestamp())
      FROM rules r, tenants t
      WHERE x.id = ${runId}::uuid AND r.id = x.rule_id AND t.id = x.tenant_id AND x.status IN ('queued', 'running')
      RETURNING x.id, x.tenant_id, t."group", x.status, x.trigger, x.steps, r.id AS rule_id, r.name AS rule_name,
        r.steps AS rule_steps, r.owner_id, r.auto_clear, coalesce((x.trigger->>'depth')::int, 0) AS depth`;
    return row ?? null;
  });
  if (!run) return { status: "skipped" };

  const records: TStepRecord[] = [...run.steps];
  const done = new Set(records.filter((r) => !r.error).map((r) => r.index));
  const controller = new AbortController();
  const deadline = setTimeout(
    () => controller.abort(new Error(`the run took longer than ${opts.timeoutMs} ms and was stopped`)),
    opts.timeoutMs,
  );
  let failure: { error: string; retry: boolean } | null = null;
  const last = run.rule_steps.length - 1;
  try {
    for (const [index, step] of run.rule_steps.entries()) {
      if (done.has(index)) continue;
      const record = await runStep(run, index, step, controller.signal, opts);
      const at = records.findIndex((r) => r.index === index);
      if (at >= 0) records[at] = record;
      else records.push(record);
      // kept as each step ends, so a run taken up again after a crash does not redo it
      if (!record.error && index < last) await saveSteps(tenantId, runId, records);
      if (record.error) {
        const task = getTask(step.task);
        failure = {
          error: `step ${index + 1} (${step.task}): ${record.error}`,
          retry: Boolean(task?.retrySafe) && !controller.signal.aborted && opts.attempt < opts.maxAttempts,
        };
        break;
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  const status = failure ? (failure.retry ? "queued" : "failed") : "succeeded";
  await withTenant(
    tenantId,
    (db) =>
      db.$executeRaw`
      UPDATE rule_runs SET status = ${status}, steps = ${JSON.stringify(records.sort((a, b) => a.index - b.index))}::jsonb,
        error = ${failure?.error ?? null}, finished_at = ${status === "queued" ? null : new Date()}
      WHERE id = ${runId}::uuid`,
  );
  if (!failure) return { status: "succeeded" };
  return failure.retry ? { status: "retry", error: failure.error } : { status: "failed", error: failure.error };
}

function saveSteps(tenantId: string, runId: string, records: TStepRecord[]) {
  return withTenant(
    tenantId,
    (db) => db.$executeRaw`UPDATE rule_runs SET steps = ${JSON.stringify(records)}::jsonb WHERE id = ${runId}::uuid`,
  );
}

async function runStep(
  run: RunForExecution,
  index: number,
  step: TStep,
  signal: AbortSignal,
  opts: TRunOptions,
): Promise<TStepRecord> {
  const started = Date.now();
  const record = (r: Omit<TStepRecord, "index" | "task" | "durationMs">): TStepRecord => ({
    index,
    task: step.task,
    ...r,
    durationMs: Date.now() - started,
  });
  if (step.when && !evaluateCondition(step.when, run.trigger).holds) return record({ skipped: "its condition did not hold" });
  const task = getTask(step.task);
  if (!task) return record({ error: `unknown task ${step.task}` });
  const rendered = renderArgs(step.args, run.trigger);
  const parsed = task.args.safeParse(rendered);
  if (!parsed.success)
    return record({
      input: rendered,
      error: `args refused once rendered: ${parsed.error.issues.map((i) => `${i.path.join(".") || "args"}: ${i.message}`).join("; ")}`,
    });
  try {
    const output = await abortable(
      inRuleRun(run.depth, () =>
        task.run(
          {
            tenantId: run.tenant_id,
            tenantGroup: run.group,
            rule: { id: run.rule_id, name: run.rule_name, ownerId: run.owner_id, autoClear: run.auto_clear },
            runId: run.id,
            trigger: run.trigger,
            depth: run.depth,
            signal,
            services: { ...opts.services, tenant: (fn) => withTenant(run.tenant_id, fn) },
          },
          parsed.data,
        ),
      ),
      signal,
    );
    return record({ input: truncated(parsed.data), output: truncated(output ?? null) });
  } catch (error) {
    return record({
      input: truncated(parsed.data),
      error: (error as Error)?.message ?? String(error),
      ...(error instanceof StepError ? { attempts: error.attempts } : {}),
    });
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
