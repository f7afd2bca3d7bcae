import type { TenantDb } from "@iot/db";
import { z } from "zod";
import { clearRuleAlerts, raiseAlert } from "../alerts";
import { defineTask } from "./task";
import { targetTwin, twinLabel, ZTwinTarget } from "./twin-target";

export const raiseAlertTask = defineTask({
  name: "raiseAlert",
  label: "Raise an alert",
  description:
    "Raises an alert on the trigger's twin, once: while this rule's alert on that twin is open, it is not raised again. With the rule's auto-clear, it is cleared when the condition stops holding.",
  args: z
    .object({
      severity: z.enum(["info", "warning", "critical"]).default("warning"),
      message: z.string().min(1).max(2000).describe("Templates welcome: {{measure.values.temperature}}"),
      on: ZTwinTarget.describe("The twin the alert is about"),
    })
    .strict(),
  retrySafe: true,
  local: true,
  async run(ctx, args) {
    const twin = targetTwin(ctx.trigger, args.on);
    const stale =
      ctx.rule.autoClear && ctx.twinKey
        ? await ctx.services.tenant((db) => stretchEnded(db, ctx.rule.id, ctx.twinKey as string))
        : false;
    // an auto-clear rule whose condition stopped holding before this run came: raised now,
    // the alert would stay active with nothing left to clear it
    if (stale) return { raised: false, note: "the condition stopped holding before the alert could be raised" };
    const { alert, raised } = await ctx.services.tenant((db) =>
      raiseAlert(db, {
        rule: ctx.rule,
        twin,
        severity: args.severity,
        message: args.message,
        autoClear: ctx.rule.autoClear,
        runId: ctx.runId,
        details: { trigger: ctx.trigger },
      }),
    );
    if (raised) await ctx.services.alertChanged({ type: "raised", tenantId: ctx.tenantId, alert, depth: ctx.depth });
    return { alertId: alert.id, raised, ...(raised ? {} : { note: "an alert of this rule is already open on this twin" }) };
  },
  describe: (args, trigger) => `raise a ${args.severity} alert on ${twinLabel(trigger, args.on)}: "${args.message}"`,
});

/** The (rule, twin) state says the stretch this run fired for is over (no state: not tracked). */
async function stretchEnded(db: TenantDb, ruleId: string, twinKey: string): Promise<boolean> {
  const [state] = await db.$queryRaw<{ fired: boolean }[]>`
    SELECT fired FROM rule_states WHERE rule_id = ${ruleId}::uuid AND twin_key = ${twinKey}`;
  return state !== undefined && !state.fired;
}

export const clearAlertTask = defineTask({
  name: "clearAlert",
  label: "Clear alerts",
  description: "Clears the open alerts this rule raised on the trigger's twin (or on every twin).",
  args: z
    .object({
      on: ZTwinTarget,
      everyTwin: z.boolean().default(false).describe("Clear this rule's alerts on every twin"),
    })
    .strict(),
  retrySafe: true,
  local: true,
  async run(ctx, args) {
    const twinId = args.everyTwin ? undefined : targetTwin(ctx.trigger, args.on).id;
    const cleared = await ctx.services.tenant((db) =>
      clearRuleAlerts(db, { ruleId: ctx.rule.id, ...(twinId ? { twinIds: [twinId] } : {}), by: `rule ${ctx.rule.name}` }),
    );
    for (const alert of cleared)
      await ctx.services.alertChanged({ type: "cleared", tenantId: ctx.tenantId, alert, depth: ctx.depth });
    return { cleared: cleared.length };
  },
  describe: (args, trigger) =>
    args.everyTwin
      ? "clear this rule's open alerts on every twin"
      : `clear this rule's open alert on ${twinLabel(trigger, args.on)}`,
});
