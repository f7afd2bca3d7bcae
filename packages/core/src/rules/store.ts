import { randomUUID } from "node:crypto";
import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, isUniqueViolation } from "../errors";
import type { TCondition } from "./conditions";
import { type TRuleDocument, type TStep, ZRuleDocument } from "./document";
import { assertModelFields } from "./model-fields";
import { triggerEventOf, type TTrigger } from "./triggers";

// Rules as tenant documents: created, replaced or patched (checked whole, each error
// naming its field), deleted, listed. Every change bumps the version, which the engine's
// per-tenant rule index watches. The owner is whoever saved the rule last: a callApi step
// runs with no more than their permissions, so editing a rule never borrows another's.

export interface TRule {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  trigger: TTrigger;
  condition: TCondition | null;
  holdsForSeconds: number;
  autoClear: boolean;
  steps: TStep[];
  ownerId: string | null;
  fromDefault: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface RuleRow {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  enabled: boolean;
  trigger: TTrigger;
  condition: TCondition | null;
  holds_for_seconds: number;
  auto_clear: boolean;
  steps: TStep[];
  owner_id: string | null;
  from_default: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const presentRule = (r: RuleRow): TRule => ({
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: r.enabled,
  trigger: r.trigger,
  condition: r.condition,
  holdsForSeconds: r.holds_for_seconds,
  autoClear: r.auto_clear,
  steps: r.steps,
  ownerId: r.owner_id,
  fromDefault: r.from_default,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const RULE_COLUMNS = Prisma.sql`id, tenant_id, name, description, enabled, trigger, condition, holds_for_seconds,
  auto_clear, steps, owner_id, from_default, version, created_at, updated_at`;

/** The rule's models, for the engine's index: the trigger's. */
const modelsOf = (t: TTrigger) => (t.type === "event" ? t.models : []);

const ZPatch = z.object({}).passthrough();

export const ZRuleUpdateSchema = z.object({
  id: z.string().uuid(),
  /** Fields to change; the result is checked as a whole document. */
  patch: ZPatch,
  /** Refuses the update (CONFLICT) when someone saved the rule since this version. */
  expectedVersion: z.number().int().positive().optional(),
});

export async function createRule(
  db: TenantDb,
  input: unknown,
  opts: { ownerId: string | null; group: string; fromDefault?: string | null },
): Promise<TRule> {
  const doc = parseDocument(input);
  await assertModelFields(db, opts.group, doc);
  const { ownerId, fromDefault = null } = opts;
  try {
    const [row] = await db.$queryRaw<RuleRow[]>`
      INSERT INTO rules (id, tenant_id, name, description, enabled, trigger, trigger_event, models, condition,
        holds_for_seconds, auto_clear, steps, owner_id, from_default)
      VALUES (${randomUUID()}::uuid, ${db.tenantId}::uuid, ${doc.name}, ${doc.description}, ${doc.enabled},
        ${JSON.stringify(doc.trigger)}::jsonb, ${triggerEventOf(doc.trigger)}, ${modelsOf(doc.trigger)}::text[],
        ${doc.condition === null ? null : JSON.stringify(doc.condition)}::jsonb, ${doc.holdsForSeconds}, ${doc.autoClear},
        ${JSON.stringify(doc.steps)}::jsonb, ${ownerId}::uuid, ${fromDefault})
      RETURNING ${RULE_COLUMNS}`;
    return presentRule(row as RuleRow);
  } catch (error) {
    throw nameTaken(error, doc.name);
  }
}

export async function updateRule(
  db: TenantDb,
  input: z.output<typeof ZRuleUpdateSchema>,
  opts: { ownerId: string | null; group: string },
): Promise<TRule> {
  const { ownerId } = opts;
  const current = await getRuleRow(db, input.id, true);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
    throw AppError.conflict(`rule ${current.name} was saved by someone else (version ${current.version}); reload it`);
  const { id: _i, version: _v, createdAt: _c, updatedAt: _u, ownerId: _o, fromDefault: _f, ...fields } = presentRule(current);
  const doc = parseDocument({ ...fields, ...input.patch });
  await assertModelFields(db, opts.group, doc);
  try {
    const [row] = await db.$queryRaw<RuleRow[]>`
      UPDATE rules SET name = ${doc.name}, description = ${doc.description}, enabled = ${doc.enabled},
        trigger = ${JSON.stringify(doc.trigger)}::jsonb, trigger_event = ${triggerEventOf(doc.trigger)},
        models = ${modelsOf(doc.trigger)}::text[],
        condition = ${doc.condition === null ? null : JSON.stringify(doc.condition)}::jsonb,
        holds_for_seconds = ${doc.holdsForSeconds}, auto_clear = ${doc.autoClear}, steps = ${JSON.stringify(doc.steps)}::jsonb,
        owner_id = ${ownerId}::uuid, version = version + 1, updated_at = clock_timestamp()
      WHERE id = ${input.id}::uuid
      RETURNING ${RULE_COLUMNS}`;
    // what held under the old logic says nothing about the new one
    await db.$executeRaw`DELETE FROM rule_states WHERE rule_id = ${input.id}::uuid`;
    return presentRule(row as RuleRow);
  } catch (error) {
    throw nameTaken(error, doc.name);
  }
}

export async function deleteRule(db: TenantDb, id: string): Promise<{ id: string; name: string }> {
  const [row] = await db.$queryRaw<{ id: string; name: string }[]>`DELETE FROM rules WHERE id = ${id}::uuid RETURNING id, name`;
  if (!row) throw AppError.notFound("rule", id);
  return row;
}

export async function getRule(db: TenantDb, id: string): Promise<TRule> {
  return presentRule(await getRuleRow(db, id, false));
}

async function getRuleRow(db: TenantDb, id: string, lock: boolean): Promise<RuleRow> {
  const [row] = await db.$queryRaw<RuleRow[]>`
    SELECT ${RULE_COLUMNS} FROM rules WHERE id = ${id}::uuid ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  if (!row) throw AppError.notFound("rule", id);
  return row;
}

export const ZRuleListSchema = z.object({
  enabled: z.boolean().optional(),
  event: z.string().max(64).optional(),
  text: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).max(100_000).default(0),
});

/** Rules by name, each with its last run (when, status, error) and its open alerts. */
export async function listRules(db: TenantDb, input: z.output<typeof ZRuleListSchema>) {
  const where: Prisma.Sql[] = [Prisma.sql`r.tenant_id = ${db.tenantId}::uuid`];
  if (input.enabled !== undefined) where.push(Prisma.sql`r.enabled = ${input.enabled}`);
  if (input.event) where.push(Prisma.sql`r.trigger_event = ${input.event}`);
  if (input.text) {
    const like = `%${input.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(r.name ILIKE ${like} OR r.description ILIKE ${like})`);
  }
  const rows = await db.$queryRaw<(RuleRow & { total: number; last_run: unknown; open_alerts: number })[]>`
    SELECT ${Prisma.raw(RULE_COLUMNS.sql.replace(/(\w+)/g, "r.$1"))}, count(*) OVER ()::int AS total,
      (SELECT json_build_object('id', x.id, 'status', x.status, 'createdAt', x.created_at, 'error', x.error)
         FROM rule_runs x WHERE x.rule_id = r.id ORDER BY x.created_at DESC LIMIT 1) AS last_run,
      (SELECT count(*)::int FROM alerts a WHERE a.rule_id = r.id AND a.status <> 'cleared') AS open_alerts
    FROM rules r WHERE ${Prisma.join(where, " AND ")}
    ORDER BY r.name LIMIT ${input.limit} OFFSET ${input.offset}`;
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      ...presentRule(r),
      lastRun: r.last_run as { id: string; status: string; createdAt: string; error: string | null } | null,
      openAlerts: r.open_alerts,
    })),
  };
}

/** The document checked; zod's issues become BAD_REQUEST naming each field. */
export function parseDocument(input: unknown): TRuleDocument {
  const parsed = ZRuleDocument.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw AppError.badRequest(
    `the rule is not valid: ${issues
      .slice(0, 5)
      .map((i) => `${i.path || "(document)"}: ${i.message}`)
      .join("; ")}`,
    issues,
  );
}

function nameTaken(error: unknown, name: string): unknown {
  const pgUnique =
    (error as { meta?: { code?: string } })?.meta?.code === "23505" ||
    String((error as Error)?.message).includes("rules_tenant_name_key");
  if (isUniqueViolation(error) || pgUnique) return AppError.conflict(`a rule named "${name}" already exists`);
  return error;
}
