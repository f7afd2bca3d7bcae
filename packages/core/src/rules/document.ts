import { z } from "zod";
import { type TCondition, ZCondition } from "./conditions";
import { checkTemplates } from "./templates";
import { getTask, taskNames } from "./tasks/registry";
import { hasTwin, isTriggerPath, type TTriggerEvent, triggerEventOf, ZTrigger } from "./triggers";

// A rule document as users write it: a trigger, an optional condition over the trigger's
// payload, how long it must hold, and ordered steps { task, args, when? }. Everything is
// checked when the rule is saved, with each error naming its field: unknown tasks, args
// their task refuses, templates and condition fields the trigger's payload does not have.

export const MAX_HOLDS_FOR_SECONDS = 7 * 86_400;
export const MAX_ARGS_CHARS = 64 * 1024;

const ZStep = z
  .object({
    task: z.string().max(64),
    args: z
      .unknown()
      .default({})
      .refine((a) => (JSON.stringify(a) ?? "").length <= MAX_ARGS_CHARS, `at most ${MAX_ARGS_CHARS / 1024} KiB of args`),
    /** The step runs only when this holds too. */
    when: ZCondition.optional(),
  })
  .strict();
export type TStep = z.output<typeof ZStep>;

const ZRuleFields = z
  .object({
    name: z.string().trim().min(1, "give the rule a name").max(120),
    description: z.string().max(2000).default(""),
    enabled: z.boolean().default(false),
    trigger: ZTrigger,
    condition: ZCondition.nullable().default(null),
    /** The condition must hold this long, per twin, before the steps run (debounce). */
    holdsForSeconds: z.number().int().min(0).max(MAX_HOLDS_FOR_SECONDS).default(0),
    /** Its alerts are cleared when the condition stops holding. */
    autoClear: z.boolean().default(false),
    steps: z.array(ZStep).min(1, "give at least one step").max(20),
  })
  .strict();

export const ZRuleDocument = ZRuleFields.superRefine((rule, ctx) => {
  const event = triggerEventOf(rule.trigger);
  const known = (path: string) => isTriggerPath(event, path);
  if ((rule.holdsForSeconds > 0 || rule.autoClear) && !hasTwin(event))
    ctx.addIssue({
      code: "custom",
      path: [rule.holdsForSeconds > 0 ? "holdsForSeconds" : "autoClear"],
      message: `holds-for and auto-clear work per twin: the ${event} trigger has none`,
    });
  if (rule.condition)
    for (const issue of conditionFieldIssues(rule.condition, event))
      ctx.addIssue({ code: "custom", ...issue, path: ["condition", ...issue.path] });
  rule.steps.forEach((step, i) => {
    const task = getTask(step.task);
    if (!task) {
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "task"],
        message: `unknown task "${step.task}": one of ${taskNames().join(", ")}`,
      });
      return;
    }
    const parsed = task.args.safeParse(step.args);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "args", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
          message: issue.message,
        });
    for (const t of checkTemplates(step.args, known))
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "args", ...(t.path ? t.path.split(".") : [])],
        message: `${t.template}: ${t.message}${t.message.startsWith("unknown") ? ` in the ${event} payload` : ""}`,
      });
    if (step.when)
      for (const issue of conditionFieldIssues(step.when, event))
        ctx.addIssue({ code: "custom", ...issue, path: ["steps", i, "when", ...issue.path] });
  });
});

export type TRuleDocument = z.output<typeof ZRuleDocument>;
/** What a client sends: defaults may be left out. */
export type TRuleDocumentInput = z.input<typeof ZRuleDocument>;

/** Every field a condition reads, with where it is in the condition. */
export function conditionFields(node: TCondition, at: (string | number)[] = []): { path: (string | number)[]; field: string }[] {
  if ("all" in node) return node.all.flatMap((c, i) => conditionFields(c, [...at, "all", i]));
  if ("any" in node) return node.any.flatMap((c, i) => conditionFields(c, [...at, "any", i]));
  if ("not" in node) return conditionFields(node.not, [...at, "not"]);
  if ("geofence" in node) return [{ path: [...at, "geofence", "field"], field: node.geofence.field }];
  if ("twin" in node) return [{ path: [...at, "of"], field: node.of ?? "twin" }];
  return [{ path: [...at, "field"], field: node.field }];
}

/** Fields a condition tests that the trigger's payload does not have (typos caught at save). */
export function conditionFieldIssues(node: TCondition, event: TTriggerEvent): { path: (string | number)[]; message: string }[] {
  return conditionFields(node)
    .filter(({ field }) => !isTriggerPath(event, field))
    .map(({ path, field }) => ({ path, message: `the ${event} payload has no ${field}` }));
}

/** Whether the condition compares with the previous payload (geofence enter / exit). */
export function geofenceEdgeFields(node: TCondition | null): string[] {
  if (!node) return [];
  if ("all" in node) return node.all.flatMap(geofenceEdgeFields);
  if ("any" in node) return node.any.flatMap(geofenceEdgeFields);
  if ("not" in node) return geofenceEdgeFields(node.not);
  if ("geofence" in node) return node.geofence.when === "enter" || node.geofence.when === "exit" ? [node.geofence.field] : [];
  return [];
}
