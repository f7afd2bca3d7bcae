import { createHash } from "node:crypto";
import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { keysetBefore, keysetPage, ZKeysetCursor } from "../keyset";
import type { TConditionTrace, TPayload } from "./evaluate";

// Rule runs: one per (rule, trigger event), so evaluating an event twice queues nothing
// twice. Each keeps its trigger, the condition's trace and each step's input, output,
// duration and error, for the run history and "why did this rule (not) fire".

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed"] as const;

/** The run's id follows from the rule and the event: the same event never makes two runs. */
export function runIdOf(ruleId: string, eventKey: string): string {
  const h = createHash("sha256").update(`${ruleId}|${eventKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface TNewRun {
  ruleId: string;
  ruleVersion: number;
  event: string;
  eventKey: string;
  twinKey: string | null;
  trigger: TPayload;
  trace: TConditionTrace | null;
}

/**
 * Inserts the runs (those already there stay as they are); returns the ids of the batch's
 * runs still queued: new ones, and any an earlier attempt inserted but could not hand to
 * the queue (the queue's job id is the run's, so none is queued twice).
 */
export async function insertRuns(db: TenantDb, runs: TNewRun[]): Promise<string[]> {
  if (!runs.length) return [];
  const rows = runs.map((r) => ({
    id: runIdOf(r.ruleId, r.eventKey),
    rule_id: r.ruleId,
    rule_version: r.ruleVersion,
    event: r.event,
    event_key: r.eventKey,
    twin_key: r.twinKey,
    trigger: r.trigger,
    trace: r.trace,
  }));
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO rule_runs (id, tenant_id, rule_id, rule_version, event, event_key, twin_key, trigger, trace)
    SELECT r.id, ${db.tenantId}::uuid, r.rule_id, r.rule_version, r.event, r.event_key, r.twin_key, r.trigger, r.trace
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id uuid, rule_id uuid, rule_version int, event text, event_key text, twin_key text, trigger jsonb, trace jsonb)
    ON CONFLICT (rule_id, event_key) DO NOTHING
    RETURNING id`;
  if (inserted.length === rows.length) return inserted.map((r) => r.id);
  const queued = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM rule_runs WHERE id = ANY(${rows.map((r) => r.id)}::uuid[]) AND status = 'queued'`;
  return queued.map((r) => r.id);
}

export interface TStepRecord {
  index: number;
  task: string;
  /** The args as the task got them (templates rendered). */
  input?: unknown;
  output?: unknown;
  error?: string;
  /** Retries inside the task (an HTTP call's attempts...). */
  attempts?: unknown[];
  skipped?: string;
  /** The failure is a refusal (bad data, missing permission): not retried. */
  final?: boolean;
  durationMs: number;
}

export interface TRunView {
  id: string;
  ruleId: string;
  ruleName: string | null;
  ruleVersion: number;
  event: string;
  eventKey: string;
  twinKey: string | null;
  trigger: TPayload;
  trace: TConditionTrace | null;
  status: (typeof RUN_STATUSES)[number];
  steps: TStepRecord[];
  error: string | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
}

interface RunRow {
  id: string;
  rule_id: string;
  rule_name: string | null;
  rule_version: number;
  event: string;
  event_key: string;
  twin_key: string | null;
  trigger: TPayload;
  trace: TConditionTrace | null;
  status: TRunView["status"];
  steps: TStepRecord[];
  error: string | null;
  attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const presentRun = (r: RunRow): TRunView => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  ruleVersion: r.rule_version,
  event: r.event,
  eventKey: r.event_key,
  twinKey: r.twin_key,
  trigger: r.trigger,
  trace: r.trace,
  status: r.status,
  steps: r.steps,
  error: r.error,
  attempts: r.attempts,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.started_at && r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
});

const RUN_COLUMNS = Prisma.sql`x.id, x.rule_id, r.name AS rule_name, x.rule_version, x.event, x.event_key, x.twin_key,
  x.trigger, x.trace, x.status, x.steps, x.error, x.attempts, x.created_at, x.started_at, x.finished_at`;

export const ZRunListSchema = z.object({
  ruleId: z.string().uuid().optional(),
  status: z.enum(RUN_STATUSES).optional(),
  twinId: z.string().uuid().optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: ZKeysetCursor.optional(),
});

export async function listRuns(db: TenantDb, input: z.output<typeof ZRunListSchema>) {
  const where: Prisma.Sql[] = [Prisma.sql`x.tenant_id = ${db.tenantId}::uuid`];
  if (input.ruleId) where.push(Prisma.sql`x.rule_id = ${input.ruleId}::uuid`);
  if (input.status) where.push(Prisma.sql`x.status = ${input.status}`);
  if (input.twinId) where.push(Prisma.sql`x.twin_key = ${input.twinId}`);
  if (input.from) where.push(Prisma.sql`x.created_at >= ${input.from}`);
  if (input.to) where.push(Prisma.sql`x.created_at < ${input.to}`);
  if (input.cursor) {
    where.push(keysetBefore(input.cursor, Prisma.sql`x.created_at`, Prisma.sql`x.id`));
  }
  const rows = await db.$queryRaw<RunRow[]>`
    SELECT ${RUN_COLUMNS} FROM rule_runs x LEFT JOIN rules r ON r.id = x.rule_id
    WHERE ${Prisma.join(where, " AND ")} ORDER BY x.created_at DESC, x.id DESC LIMIT ${input.limit + 1}`;
  return keysetPage(rows.map(presentRun), input.limit, (r) => r.createdAt);
}

export async function getRun(db: TenantDb | PlatformDb, id: string): Promise<TRunView & { tenantId: string }> {
  const [row] = await db.$queryRaw<(RunRow & { tenant_id: string })[]>`
    SELECT ${RUN_COLUMNS}, x.tenant_id FROM rule_runs x LEFT JOIN rules r ON r.id = x.rule_id WHERE x.id = ${id}::uuid`;
  if (!row) throw AppError.notFound("rule run", id);
  return { ...presentRun(row), tenantId: row.tenant_id };
}

/** Runs older than the given days are deleted (the maintenance queue runs it nightly). */
export async function pruneRuns(db: PlatformDb, olderThanDays: number): Promise<{ deleted: number }> {
  const deleted = await db.$executeRaw`
    DELETE FROM rule_runs WHERE created_at < now() - make_interval(days => ${olderThanDays}) AND status IN ('succeeded', 'failed')`;
  return { deleted };
}
