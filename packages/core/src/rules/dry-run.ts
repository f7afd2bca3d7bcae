import type { TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { type TRuleDocument, ZRuleDocument } from "./document";
import type { TEventRefParsed } from "./event-ref";
import { evaluateCondition, type TPayload } from "./evaluate";
import { parseDocument, type TRule } from "./store";
import { renderArgs } from "./templates";
import { getTask } from "./tasks/registry";
import { concerns, EMPTY_STATE, type TRuleState, transition } from "./transition";
import { triggerEventOf } from "./triggers";
import { buildPayloads } from "./payloads";

// A dry run: the rule (saved, or as it is in the editor) against a trigger payload given
// by hand, or against the last N measures of a device or asset replayed in time order.
// No side effect: for each event, whether the condition held (node by node), whether the
// rule would fire (holds-for and auto-clear followed through the events, from a fresh
// state, with the same transition as the worker), and what each step would do. An event
// that does not carry any value the condition reads is `ignored`, as the worker ignores it.

export const ZDryRunSchema = z
  .object({
    ruleId: z.string().uuid().optional(),
    /** The rule as edited (unsaved); wins over ruleId. */
    rule: z.unknown().optional(),
    /** One trigger payload, as the rule would receive it. */
    payload: z.record(z.string(), z.unknown()).optional(),
    /** Or the last measures of a device or an asset. */
    measuresOf: z
      .object({
        deviceId: z.string().uuid().optional(),
        assetId: z.string().uuid().optional(),
        last: z.number().int().min(1).max(500).default(20),
      })
      .refine((m) => Boolean(m.deviceId) !== Boolean(m.assetId), "give deviceId or assetId")
      .optional(),
  })
  .refine((d) => d.ruleId || d.rule !== undefined, { message: "give ruleId or rule", path: ["ruleId"] })
  .refine((d) => Boolean(d.payload) !== Boolean(d.measuresOf), { message: "give payload or measuresOf", path: ["payload"] });

/** The document fields of a saved rule. */
const documentOf = ({ name, description, enabled, trigger, condition, holdsForSeconds, autoClear, steps }: TRule) => ({
  name,
  description,
  enabled,
  trigger,
  condition,
  holdsForSeconds,
  autoClear,
  steps,
});

export async function dryRunRule(db: TenantDb, input: z.output<typeof ZDryRunSchema>, loadRule: (id: string) => Promise<TRule>) {
  const rule: TRuleDocument =
    input.rule !== undefined
      ? parseDocument(input.rule)
      : ZRuleDocument.parse(documentOf(await loadRule(input.ruleId as string)));
  const payloads = input.payload
    ? [input.payload]
    : await lastMeasurePayloads(db, input.measuresOf as NonNullable<typeof input.measuresOf>);
  const states = new Map<string, TRuleState>();
  const events = payloads.map((payload) => {
    const twin = (payload.twin as { id?: string } | null | undefined)?.id ?? "";
    const at = new Date(typeof payload.at === "string" ? payload.at : Date.now());
    if (!concerns(rule, payload))
      return {
        payload,
        holds: false,
        trace: null,
        fires: false,
        clearsAlerts: false,
        waitingUntil: null,
        steps: [],
        ignored: true,
      };
    const t = transition(rule, states.get(twin) ?? EMPTY_STATE, payload, at);
    states.set(twin, t.state);
    return {
      payload,
      holds: t.holds,
      trace: t.trace,
      fires: t.fire,
      clearsAlerts: t.clear,
      waitingUntil: t.dueAt && !t.fire ? t.dueAt : null,
      steps: t.fire ? rule.steps.map((step, index) => wouldDo(step, index, payload)) : [],
      ignored: false,
    };
  });
  return { event: triggerEventOf(rule.trigger), events, fired: events.filter((e) => e.fires).length };
}

function wouldDo(step: TRuleDocument["steps"][number], index: number, payload: TPayload) {
  const guard = step.when ? evaluateCondition(step.when, payload) : null;
  if (guard && !guard.holds) return { index, task: step.task, skipped: "its condition does not hold", trace: guard.trace };
  const task = getTask(step.task);
  const rendered = renderArgs(step.args, payload);
  const parsed = task?.args.safeParse(rendered);
  if (!task || !parsed?.success)
    return {
      index,
      task: step.task,
      input: rendered,
      error: parsed?.error?.issues.map((i) => i.message).join("; ") ?? "unknown task",
    };
  return { index, task: step.task, input: parsed.data, wouldDo: task.describe(parsed.data, payload) };
}

async function lastMeasurePayloads(db: TenantDb, of: { deviceId?: string; assetId?: string; last: number }): Promise<TPayload[]> {
  const found = of.deviceId
    ? await db.$queryRaw<MeasureRow[]>`
        SELECT name, slot, type, measured_at, values, origin_id, asset_id FROM measures
        WHERE tenant_id = ${db.tenantId}::uuid AND origin_id = ${of.deviceId}::uuid
        ORDER BY measured_at DESC LIMIT ${of.last}`
    : await db.$queryRaw<MeasureRow[]>`
        SELECT name, slot, type, measured_at, values, origin_id, asset_id FROM measures
        WHERE tenant_id = ${db.tenantId}::uuid AND asset_id = ${of.assetId}::uuid
        ORDER BY measured_at DESC LIMIT ${of.last}`;
  if (!found.length) throw AppError.notFound(of.deviceId ? "measures of device" : "measures of asset", of.deviceId ?? of.assetId);
  const devices = await db.$queryRaw<
    { id: string }[]
  >`SELECT id FROM devices WHERE id = ANY(${found.map((m) => m.origin_id)}::uuid[])`;
  const isDevice = new Set(devices.map((d) => d.id));
  const events: TEventRefParsed[] = found.reverse().map((m) => {
    const measuredAt = m.measured_at.toISOString();
    return {
      event: "measures.processed",
      key: `dry:${m.origin_id}:${m.name}:${measuredAt}`,
      at: measuredAt,
      deviceId: isDevice.has(m.origin_id) ? m.origin_id : null,
      assetId: m.asset_id,
      measure: { name: m.name, slot: m.slot, type: m.type, measuredAt, values: m.values },
      data: {},
      depth: 0,
    };
  });
  return buildPayloads(db, events);
}

interface MeasureRow {
  name: string;
  slot: string | null;
  type: string;
  measured_at: Date;
  values: Record<string, unknown>;
  origin_id: string;
  asset_id: string | null;
}
