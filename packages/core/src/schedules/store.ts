import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, isUniqueViolation } from "../errors";
import { type TScheduleAction, type TScheduleDocument, ZScheduleDocument } from "./document";
import { humanizeWhen, nextRunOf } from "./timing";

// Schedules as tenant documents: created, patched (checked whole, each error naming its
// field), deleted, listed, each presented with its timing in words, its next run and its
// last one. Every change bumps the version. The owner is whoever saved the schedule last:
// an API call runs with no more than their permissions.

export interface TScheduleWhenView {
  cron?: string;
  timezone: string;
  everySeconds?: number;
}

export interface TSchedule {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  when: TScheduleWhenView;
  action: TScheduleAction;
  ownerId: string | null;
  fromDefault: string | null;
  version: number;
  /** The timing in words. */
  humanized: string;
  /** When it runs next (null when disabled). */
  nextRunAt: Date | null;
  lastRun: { at: Date; status: string | null; result: unknown; error: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ScheduleRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  enabled: boolean;
  cron: string | null;
  timezone: string;
  every_seconds: number | null;
  action: TScheduleAction;
  owner_id: string | null;
  from_default: string | null;
  version: number;
  last_run_at: Date | null;
  last_status: string | null;
  last_result: unknown;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

export const SCHEDULE_COLUMNS = Prisma.sql`id, tenant_id, name, description, enabled, cron, timezone, every_seconds, action,
  owner_id, from_default, version, last_run_at, last_status, last_result, last_error, created_at, updated_at`;

const whenOf = (r: ScheduleRow): TScheduleWhenView =>
  r.cron !== null ? { cron: r.cron, timezone: r.timezone } : { timezone: r.timezone, everySeconds: r.every_seconds ?? 0 };

export function presentSchedule(r: ScheduleRow, now: Date = new Date()): TSchedule {
  const fields = { cron: r.cron, timezone: r.timezone, everySeconds: r.every_seconds };
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    enabled: r.enabled,
    when: whenOf(r),
    action: r.action,
    ownerId: r.owner_id,
    fromDefault: r.from_default,
    version: r.version,
    humanized: humanizeWhen(fields),
    nextRunAt: r.enabled ? nextRunOf(fields, r.last_run_at, now) : null,
    lastRun: r.last_run_at
      ? { at: r.last_run_at, status: r.last_status, result: r.last_result ?? null, error: r.last_error }
      : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const ZScheduleIdSchema = z.object({ id: z.string().uuid("must be a schedule id") });

export const ZScheduleUpdateSchema = z.object({
  id: z.string().uuid("must be a schedule id"),
  /** Fields to change (name, description, enabled, when, action); the result is checked as a whole document. */
  patch: z.object({}).passthrough(),
  /** Refuses the update (CONFLICT) when someone saved the schedule since this version. */
  expectedVersion: z.number().int().positive().optional(),
});

export const ZScheduleListSchema = z.object({
  enabled: z.boolean().optional(),
  text: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).max(100_000).default(0),
});

export async function createSchedule(
  db: TenantDb,
  input: unknown,
  ownerId: string | null,
  fromDefault: string | null = null,
): Promise<TSchedule> {
  const doc = parseScheduleDocument(input);
  await checkAction(db, doc);
  try {
    const [row] = await db.$queryRaw<ScheduleRow[]>`
      INSERT INTO schedules (tenant_id, name, description, enabled, cron, timezone, every_seconds, action, owner_id, from_default)
      VALUES (${db.tenantId}::uuid, ${doc.name}, ${doc.description}, ${doc.enabled}, ${doc.when.cron ?? null},
        ${doc.when.timezone}, ${doc.when.everySeconds ?? null}::int, ${JSON.stringify(doc.action)}::jsonb, ${ownerId}::uuid,
        ${fromDefault})
      RETURNING ${SCHEDULE_COLUMNS}`;
    return presentSchedule(row as ScheduleRow);
  } catch (error) {
    throw nameTaken(error, doc.name);
  }
}

export async function updateSchedule(
  db: TenantDb,
  input: z.output<typeof ZScheduleUpdateSchema>,
  ownerId: string | null,
): Promise<TSchedule> {
  const current = await getScheduleRow(db, input.id, true);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
    throw AppError.conflict(`schedule ${current.name} was saved by someone else (version ${current.version}); reload it`);
  const fields = {
    name: current.name,
    description: current.description,
    enabled: current.enabled,
    when: whenOf(current),
    action: current.action,
  };
  const doc = parseScheduleDocument({ ...fields, ...input.patch });
  await checkAction(db, doc);
  try {
    const [row] = await db.$queryRaw<ScheduleRow[]>`
      UPDATE schedules SET name = ${doc.name}, description = ${doc.description}, enabled = ${doc.enabled},
        cron = ${doc.when.cron ?? null}, timezone = ${doc.when.timezone}, every_seconds = ${doc.when.everySeconds ?? null}::int,
        action = ${JSON.stringify(doc.action)}::jsonb, owner_id = ${ownerId}::uuid, version = version + 1,
        updated_at = clock_timestamp()
      WHERE id = ${input.id}::uuid
      RETURNING ${SCHEDULE_COLUMNS}`;
    return presentSchedule(row as ScheduleRow);
  } catch (error) {
    throw nameTaken(error, doc.name);
  }
}

export async function deleteSchedule(db: TenantDb, id: string): Promise<{ id: string; name: string }> {
  const [row] = await db.$queryRaw<{ id: string; name: string }[]>`
    DELETE FROM schedules WHERE id = ${id}::uuid RETURNING id, name`;
  if (!row) throw AppError.notFound("schedule", id);
  return row;
}

export async function getSchedule(db: TenantDb, id: string): Promise<TSchedule> {
  return presentSchedule(await getScheduleRow(db, id, false));
}

export async function getScheduleRow(db: TenantDb, id: string, lock: boolean): Promise<ScheduleRow> {
  const [row] = await db.$queryRaw<ScheduleRow[]>`
    SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE id = ${id}::uuid ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  if (!row) throw AppError.notFound("schedule", id);
  return row;
}

/** Schedules by name, each with its timing in words, its next run and its last one. */
export async function listSchedules(db: TenantDb, input: z.output<typeof ZScheduleListSchema>) {
  const where: Prisma.Sql[] = [Prisma.sql`tenant_id = ${db.tenantId}::uuid`];
  if (input.enabled !== undefined) where.push(Prisma.sql`enabled = ${input.enabled}`);
  if (input.text) {
    const like = `%${input.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(name ILIKE ${like} OR description ILIKE ${like})`);
  }
  const rows = await db.$queryRaw<(ScheduleRow & { total: number })[]>`
    SELECT ${SCHEDULE_COLUMNS}, count(*) OVER ()::int AS total
    FROM schedules WHERE ${Prisma.join(where, " AND ")}
    ORDER BY name LIMIT ${input.limit} OFFSET ${input.offset}`;
  const now = new Date();
  return { total: rows[0]?.total ?? 0, items: rows.map(({ total: _t, ...r }) => presentSchedule(r, now)) };
}

/** The document checked; zod's issues become BAD_REQUEST naming each field. */
export function parseScheduleDocument(input: unknown): TScheduleDocument {
  const parsed = ZScheduleDocument.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw AppError.badRequest(
    `the schedule is not valid: ${issues
      .slice(0, 5)
      .map((i) => `${i.path || "(document)"}: ${i.message}`)
      .join("; ")}`,
    issues,
  );
}

/** A rule action names a rule of this tenant (row-level security hides the others'). */
async function checkAction(db: TenantDb, doc: TScheduleDocument): Promise<void> {
  if (doc.action.type !== "rule") return;
  const [found] = await db.$queryRaw<{ id: string }[]>`SELECT id FROM rules WHERE id = ${doc.action.ruleId}::uuid`;
  if (!found)
    throw AppError.badRequest(`the schedule is not valid: action.ruleId: no rule ${doc.action.ruleId} in this tenant`, [
      { path: "action.ruleId", message: "no such rule in this tenant" },
    ]);
}

function nameTaken(error: unknown, name: string): unknown {
  const message = String((error as Error)?.message);
  const pgUnique =
    (error as { meta?: { code?: string } })?.meta?.code === "23505" || message.includes("schedules_tenant_name_key");
  if (isUniqueViolation(error) || pgUnique) return AppError.conflict(`a schedule named "${name}" already exists`);
  return error;
}
