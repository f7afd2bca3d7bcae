import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { keysetBefore, keysetPage, ZKeysetCursor } from "../keyset";
import type { TAlertView } from "./tasks/task";
import type { TTriggerTwin } from "./tasks/twin-target";

// Alerts: raised by rules on a twin, one open (active or acknowledged) alert per (rule,
// twin), acknowledged by a user, cleared by a user or by its rule when its condition stops
// holding. Every change says who and when.

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export const ALERT_STATUSES = ["active", "acknowledged", "cleared"] as const;

interface AlertRow {
  id: string;
  rule_id: string | null;
  rule_name: string;
  twin_kind: "asset" | "device";
  twin_id: string;
  twin_model: string;
  twin_reference: string;
  severity: TAlertView["severity"];
  message: string;
  status: TAlertView["status"];
  auto_clear: boolean;
  details: Record<string, unknown>;
  raised_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  cleared_at: Date | null;
  cleared_by: string | null;
}

const present = (r: AlertRow): TAlertView => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  twin: { kind: r.twin_kind, id: r.twin_id, model: r.twin_model, reference: r.twin_reference },
  severity: r.severity,
  message: r.message,
  status: r.status,
  autoClear: r.auto_clear,
  raisedAt: r.raised_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  clearedAt: r.cleared_at,
  clearedBy: r.cleared_by,
  details: r.details,
});

const COLUMNS = Prisma.sql`id, rule_id, rule_name, twin_kind, twin_id, twin_model, twin_reference, severity, message, status,
  auto_clear, details, raised_at, acknowledged_at, acknowledged_by, cleared_at, cleared_by`;

/** Raises the rule's alert on the twin, unless one is already open: `raised` says which. */
export async function raiseAlert(
  db: TenantDb,
  input: {
    rule: { id: string; name: string };
    twin: TTriggerTwin;
    severity: TAlertView["severity"];
    message: string;
    autoClear: boolean;
    runId: string | null;
    details?: Record<string, unknown>;
  },
): Promise<{ alert: TAlertView; raised: boolean }> {
  const inserted = await db.$queryRaw<AlertRow[]>`
    INSERT INTO alerts (tenant_id, rule_id, rule_name, twin_kind, twin_id, twin_model, twin_reference, severity, message,
      auto_clear, run_id, details)
    VALUES (${db.tenantId}::uuid, ${input.rule.id}::uuid, ${input.rule.name}, ${input.twin.kind}, ${input.twin.id}::uuid,
      ${input.twin.model}, ${input.twin.reference}, ${input.severity}, ${input.message.slice(0, 2000)}, ${input.autoClear},
      ${input.runId}::uuid, ${JSON.stringify(input.details ?? {})}::jsonb)
    ON CONFLICT (rule_id, twin_id) WHERE status <> 'cleared' DO NOTHING
    RETURNING ${COLUMNS}`;
  if (inserted[0]) return { alert: present(inserted[0]), raised: true };
  const open = await db.$queryRaw<AlertRow[]>`
    SELECT ${COLUMNS} FROM alerts WHERE rule_id = ${input.rule.id}::uuid AND twin_id = ${input.twin.id}::uuid AND status <> 'cleared'`;
  if (!open[0]) throw new Error("raiseAlert: the open alert vanished; the run is retried");
  return { alert: present(open[0]), raised: false };
}

/** Clears a rule's open alerts (on one twin, or on all); returns those it cleared. */
export async function clearRuleAlerts(
  db: TenantDb,
  input: { ruleId: string; twinIds?: string[]; by: string; onlyAutoClear?: boolean },
): Promise<TAlertView[]> {
  const rows = await db.$queryRaw<AlertRow[]>`
    UPDATE alerts SET status = 'cleared', cleared_at = clock_timestamp(), cleared_by = ${input.by}
    WHERE rule_id = ${input.ruleId}::uuid AND status <> 'cleared'
      ${input.twinIds ? Prisma.sql`AND twin_id = ANY(${input.twinIds}::uuid[])` : Prisma.empty}
      ${input.onlyAutoClear ? Prisma.sql`AND auto_clear` : Prisma.empty}
    RETURNING ${COLUMNS}`;
  return rows.map(present);
}

export const ZAlertIdSchema = z.object({ id: z.string().uuid() });

/** A user acknowledges an active alert: it stays open (the rule will not raise another) but is seen. */
export async function acknowledgeAlert(db: TenantDb, id: string, by: string): Promise<TAlertView> {
  return changeStatus(db, id, by, "acknowledged");
}

export async function clearAlert(db: TenantDb, id: string, by: string): Promise<TAlertView> {
  return changeStatus(db, id, by, "cleared");
}

async function changeStatus(db: TenantDb, id: string, by: string, to: "acknowledged" | "cleared"): Promise<TAlertView> {
  const [row] = await db.$queryRaw<AlertRow[]>`SELECT ${COLUMNS} FROM alerts WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row) throw AppError.notFound("alert", id);
  if (row.status === "cleared") throw AppError.conflict(`alert ${id} is already cleared`);
  if (to === "acknowledged" && row.status === "acknowledged") return present(row);
  const [updated] =
    to === "acknowledged"
      ? await db.$queryRaw<AlertRow[]>`
          UPDATE alerts SET status = 'acknowledged', acknowledged_at = clock_timestamp(), acknowledged_by = ${by}
          WHERE id = ${id}::uuid RETURNING ${COLUMNS}`
      : await db.$queryRaw<AlertRow[]>`
          UPDATE alerts SET status = 'cleared', cleared_at = clock_timestamp(), cleared_by = ${by}
          WHERE id = ${id}::uuid RETURNING ${COLUMNS}`;
  return present(updated as AlertRow);
}

export const ZAlertSearchSchema = z.object({
  status: z.array(z.enum(ALERT_STATUSES)).max(3).optional(),
  severity: z.array(z.enum(ALERT_SEVERITIES)).max(3).optional(),
  twinId: z.string().uuid().optional(),
  model: z.string().max(64).optional(),
  ruleId: z.string().uuid().optional(),
  /** Rule name, twin reference or message contains. */
  text: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: ZKeysetCursor.optional(),
});

/** Newest first, with the counts of open alerts per status and severity (the console's badge). */
export async function searchAlerts(db: TenantDb, input: z.output<typeof ZAlertSearchSchema>) {
  const where: Prisma.Sql[] = [Prisma.sql`tenant_id = ${db.tenantId}::uuid`];
  if (input.status?.length) where.push(Prisma.sql`status = ANY(${input.status}::text[])`);
  if (input.severity?.length) where.push(Prisma.sql`severity = ANY(${input.severity}::text[])`);
  if (input.twinId) where.push(Prisma.sql`twin_id = ${input.twinId}::uuid`);
  if (input.model) where.push(Prisma.sql`twin_model = ${input.model}`);
  if (input.ruleId) where.push(Prisma.sql`rule_id = ${input.ruleId}::uuid`);
  if (input.text) {
    const like = `%${input.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(Prisma.sql`(rule_name ILIKE ${like} OR twin_reference ILIKE ${like} OR message ILIKE ${like})`);
  }
  const page = [...where];
  if (input.cursor) {
    page.push(keysetBefore(input.cursor, Prisma.sql`raised_at`, Prisma.sql`id`));
  }
  const rows = await db.$queryRaw<AlertRow[]>`
    SELECT ${COLUMNS} FROM alerts WHERE ${Prisma.join(page, " AND ")}
    ORDER BY raised_at DESC, id DESC LIMIT ${input.limit + 1}`;
  const counts = await db.$queryRaw<{ status: string; severity: string; n: number }[]>`
    SELECT status, severity, count(*)::int AS n FROM alerts
    WHERE tenant_id = ${db.tenantId}::uuid AND status <> 'cleared' GROUP BY status, severity`;
  return {
    ...keysetPage(rows.map(present), input.limit, (a) => a.raisedAt),
    open: {
      active: counts.filter((c) => c.status === "active").reduce((n, c) => n + c.n, 0),
      acknowledged: counts.filter((c) => c.status === "acknowledged").reduce((n, c) => n + c.n, 0),
      bySeverity: Object.fromEntries(
        ALERT_SEVERITIES.map((s) => [s, counts.filter((c) => c.severity === s).reduce((n, c) => n + c.n, 0)]),
      ) as Record<TAlertView["severity"], number>,
    },
  };
}

export const alertsChannel = (tenantId: string) => `iot:live:alerts:${tenantId}`;
