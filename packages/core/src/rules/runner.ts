import { type TenantDb, withTenant } from "@iot/db";
import { AppError } from "../errors";
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
  twin_key: string | null;
  steps: TStepRecord[];
  rule_id: string;
  rule_name: string;
  rule_steps: TStep[];
  owner_id: string | null;
  auto_clear: boolean;
  depth: number;
}

const claimRun = (db: TenantDb, runId: string) =>
  db.$queryRaw<RunForExecution[]>`
    UPDATE rule_runs x SET status = 'running', attempts = x.attempts + 1, started_at = coalesce(x.started_at, clock_timestamp())
    FROM rules r, tenants t
    WHERE x.id = ${runId}::uuid AND r.id = x.rule_id AND t.id = x.tenant_id AND x.status IN ('queued', 'running')
    RETURNING x.id, x.tenant_id, t."group", x.status, x.trigger, x.twin_key, x.steps, r.id AS rule_id, r.name AS rule_name,
      r.steps AS rule_steps, r.owner_id, r.auto_clear, coalesce((x.trigger->>'depth')::int, 0) AS depth`.then(
    (rows) => rows[0] ?? null,
  );

/** Its steps only touch the tenant's data (no network, no API call): the run may be one transaction. */
const isLocal = (run: RunForExecution) => run.rule_steps.every((s) => getTask(s.task)?.local === true);

interface TStepsOutcome {
  records: TStepRecord[];
  failure: { error: string; retry: boolean } | null;
}

/** A local run failed: its transaction is rolled back (none of its steps took effect). */
class LocalRunFailed extends Error {
  constructor(readonly outcome: TStepsOutcome) {
    super(outcome.failure?.error);
  }
}

/**
 * Runs a queued run. A run of local steps (alerts, metadata, computed measures) is one
 * transaction with its claim and its record: all its steps take effect or none, in a
 * third of the round trips. Other runs claim, run each step in its own transactions (or
 * none: a webhook), and record.
 */
export function executeRun(tenantId: string, runId: string, opts: TRunOptions): Promise<TRunOutcome> {
  // what the run causes (events once its transactions commit) is one link deeper
  return inRuleRun((setDepth) => execute(tenantId, runId, opts, setDepth));
}

async function execute(
  tenantId: string,
  runId: string,
  opts: TRunOptions,
  setDepth: (depth: number) => void,
): Promise<TRunOutcome> {
  let claimed: RunForExecution | null = null;
  try {
    const local = await withTenant(
      tenantId,
      async (db) => {
        const run = await claimRun(db, runId);
        if (run) setDepth(run.depth);
        if (!run || !isLocal(run)) {
          claimed = run;
          return null;
        }
        // side effects (live messages, events) once committed, never for a rolled-back run
        const services: TRuleServices = {
          ...opts.services,
          tenant: (fn) => fn(db),
          alertChanged: async (change) => db.afterCommit(() => opts.services.alertChanged(change)),
          measuresPushed: async (...args) => db.afterCommit(() => opts.services.measuresPushed(...args)),
        };
        const outcome = await runSteps(run, services, opts, async () => {});
        if (outcome.failure) throw new LocalRunFailed(outcome);
        await record(db, runId, outcome, "succeeded");
        return outcome;
      },
      { timeout: opts.timeoutMs + 5_000 },
    );
    if (local) return { status: "succeeded" };
  } catch (error) {
    if (!(error instanceof LocalRunFailed)) throw error;
    const { failure } = error.outcome;
    const status = failure?.retry ? "queued" : "failed";
    // the claim was rolled back with the steps: its attempt is counted here
    await withTenant(tenantId, async (db) => {
      await db.$executeRaw`UPDATE rule_runs SET attempts = attempts + 1, started_at = coalesce(started_at, clock_timestamp())
        WHERE id = ${runId}::uuid`;
      await record(db, runId, error.outcome, status);
    });
    return failure?.retry ? { status: "retry", error: failure.error } : { status: "failed", error: failure?.error ?? "" };
  }
  const run = claimed as RunForExecution | null;
  if (!run) return { status: "skipped" };
  const services: TRuleServices = { ...opts.services, tenant: (fn) => withTenant(run.tenant_id, fn) };
  // kept as each step ends, so a run taken up again after a crash does not redo it
  const outcome = await runSteps(run, services, opts, (records) => saveSteps(tenantId, runId, records));
  const status = outcome.failure ? (outcome.failure.retry ? "queued" : "failed") : "succeeded";
  await withTenant(tenantId, (db) => record(db, runId, outcome, status));
  const { failure } = outcome;
  if (!failure) return { status: "succeeded" };
  return failure.retry ? { status: "retry", error: failure.error } : { status: "failed", error: failure.error };
}

/** The steps not done yet, in order, until one fails; within the run's deadline. */
async function runSteps(
  run: RunForExecution,
  services: TRuleServices,
  opts: TRunOptions,
  stepDone: (records: TStepRecord[]) => Promise<unknown>,
): Promise<TStepsOutcome> {
  const records: TStepRecord[] = [...run.steps];
  const done = new Set(records.filter((r) => !r.error).map((r) => r.index));
  const controller = new AbortController();
  const deadline = setTimeout(
    () => controller.abort(new Error(`the run took longer than ${opts.timeoutMs} ms and was stopped`)),
    opts.timeoutMs,
  );
  const last = run.rule_steps.length - 1;
  try {
    for (const [index, step] of run.rule_steps.entries()) {
      if (done.has(index)) continue;
      const rec = await runStep(run, index, step, controller.signal, services);
      const at = records.findIndex((r) => r.index === index);
      if (at >= 0) records[at] = rec;
      else records.push(rec);
      if (!rec.error && index < last) await stepDone(records);
      if (rec.error) {
        const task = getTask(step.task);
        return {
          records,
          failure: {
            error: `step ${index + 1} (${step.task}): ${rec.error}`,
            retry: Boolean(task?.retrySafe) && !rec.final && !controller.signal.aborted && opts.attempt < opts.maxAttempts,
          },
        };
      }
    }
    return { records, failure: null };
  } finally {
    clearTimeout(deadline);
  }
}

function record(db: TenantDb, runId: string, outcome: TStepsOutcome, status: "succeeded" | "failed" | "queued") {
  return db.$executeRaw`
    UPDATE rule_runs SET status = ${status}, steps = ${JSON.stringify(outcome.records.sort((a, b) => a.index - b.index))}::jsonb,
      error = ${outcome.failure?.error ?? null}, finished_at = ${status === "queued" ? null : new Date()}
    WHERE id = ${runId}::uuid`;
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
  services: TRuleServices,
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
      task.run(
        {
          tenantId: run.tenant_id,
          tenantGroup: run.group,
          rule: { id: run.rule_id, name: run.rule_name, ownerId: run.owner_id, autoClear: run.auto_clear },
          runId: run.id,
          twinKey: run.twin_key,
          trigger: run.trigger,
          depth: run.depth,
          signal,
          services,
        },
        parsed.data,
      ),
      signal,
    );
    return record({ input: truncated(parsed.data), output: truncated(output ?? null) });
  } catch (error) {
    return record({
      input: truncated(parsed.data),
      error: (error as Error)?.message ?? String(error),
      // refused (bad data, missing permission, gone): trying again changes nothing
      ...(error instanceof AppError && error.code !== "TOO_MANY_REQUESTS" ? { final: true } : {}),
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
