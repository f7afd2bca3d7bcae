import type { Rule, RuleDocumentInput, TaskInfo } from "./types";

// The editor's state and its translation to and from a rule document. The form keeps
// what the user typed (text); the document is built from it on save and on dry run, with
// the mistakes the browser can see itself (invalid JSON) named by field like the server's.

export const OPS = [
  { value: "eq", label: "=" },
  { value: "ne", label: "≠" },
  { value: "gt", label: ">" },
  { value: "gte", label: "≥" },
  { value: "lt", label: "<" },
  { value: "lte", label: "≤" },
  { value: "in", label: "is one of" },
  { value: "exists", label: "exists" },
] as const;
export type Op = (typeof OPS)[number]["value"];
const OP_VALUES = new Set<string>(OPS.map((o) => o.value));

export interface CondRow {
  field: string;
  op: Op;
  value: string;
}

export interface StepDraft {
  key: string;
  task: string;
  /** Form values by arg name: text, or a checkbox's boolean. */
  args: Record<string, string | boolean>;
  /** Args the form does not show (kept as they were). */
  extra: Record<string, unknown>;
  when?: unknown;
}

export interface Draft {
  name: string;
  description: string;
  enabled: boolean;
  /** A trigger event, or "schedule". */
  event: string;
  models: string;
  scheduleKind: "cron" | "every";
  cron: string;
  timezone: string;
  everySeconds: string;
  condMode: "builder" | "json";
  combinator: "all" | "any";
  rows: CondRow[];
  condJson: string;
  holdsForMinutes: string;
  autoClear: boolean;
  steps: StepDraft[];
}

let keys = 0;
export const newKey = () => `s${++keys}`;

export const EMPTY_DRAFT: Draft = {
  name: "",
  description: "",
  enabled: false,
  event: "measures.processed",
  models: "",
  scheduleKind: "cron",
  cron: "0 * * * *",
  timezone: "UTC",
  everySeconds: "",
  condMode: "builder",
  combinator: "all",
  rows: [],
  condJson: "",
  holdsForMinutes: "0",
  autoClear: false,
  steps: [],
};

/** Typed condition value: numbers stay numbers, true / false / null keep their type, the rest is text. */
export function typedValue(value: string): string | number | boolean | null {
  const v = value.trim();
  if (v === "true" || v === "false") return v === "true";
  if (v === "null") return null;
  if (v !== "" && Number.isFinite(Number(v))) return Number(v);
  // "text" in quotes is text, even "42"
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1);
  return value;
}

const showValue = (v: unknown) =>
  typeof v === "string"
    ? v !== "" && (Number.isFinite(Number(v)) || ["true", "false", "null"].includes(v))
      ? JSON.stringify(v)
      : v
    : String(v);

export function rowToNode(row: CondRow): Record<string, unknown> {
  if (row.op === "exists") return { field: row.field.trim(), op: "exists", value: row.value !== "false" };
  if (row.op === "in")
    return {
      field: row.field.trim(),
      op: "in",
      value: row.value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map(typedValue),
    };
  return { field: row.field.trim(), op: row.op, value: typedValue(row.value) };
}

function nodeToRow(node: unknown): CondRow | null {
  if (typeof node !== "object" || node === null) return null;
  const n = node as Record<string, unknown>;
  if (Object.keys(n).some((k) => !["field", "op", "value"].includes(k))) return null;
  if (typeof n.field !== "string" || typeof n.op !== "string" || !OP_VALUES.has(n.op)) return null;
  if (n.op === "exists") return { field: n.field, op: "exists", value: n.value === false ? "false" : "true" };
  if (n.op === "in")
    return Array.isArray(n.value) ? { field: n.field, op: "in", value: n.value.map(showValue).join(", ") } : null;
  if (typeof n.value === "object" && n.value !== null) return null;
  return { field: n.field, op: n.op as Op, value: showValue(n.value) };
}

/** The builder's rows for a condition, or null when it needs the JSON editor (geofence, twin, not, nesting). */
export function conditionToRows(condition: unknown): { combinator: "all" | "any"; rows: CondRow[] } | null {
  if (condition === null || condition === undefined) return { combinator: "all", rows: [] };
  const single = nodeToRow(condition);
  if (single) return { combinator: "all", rows: [single] };
  const c = condition as Record<string, unknown>;
  for (const combinator of ["all", "any"] as const) {
    const list = c[combinator];
    if (Object.keys(c).length === 1 && Array.isArray(list)) {
      const rows = list.map(nodeToRow);
      if (rows.every((r): r is CondRow => r !== null)) return { combinator, rows };
    }
  }
  return null;
}

export function rowsToCondition(combinator: "all" | "any", rows: CondRow[]): Record<string, unknown> | null {
  const nodes = rows.filter((r) => r.field.trim() !== "").map(rowToNode);
  if (nodes.length === 0) return null;
  if (nodes.length === 1) return nodes[0] as Record<string, unknown>;
  return { [combinator]: nodes };
}

// --- task args from their JSON Schema ---------------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  format?: string;
  minimum?: number;
  maximum?: number;
}

export type ArgKind = "text" | "number" | "boolean" | "enum" | "json";

export function argKind(schema: JsonSchema): ArgKind {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) return "enum";
  if (schema.type === "string") return "text";
  if (schema.type === "number" || schema.type === "integer") return "number";
  if (schema.type === "boolean") return "boolean";
  return "json";
}

export const argsOf = (task: TaskInfo | undefined) =>
  Object.entries(((task?.argsSchema as JsonSchema | undefined)?.properties ?? {}) as Record<string, JsonSchema>);

/** The form's values for a step's args (defaults for a new step). */
export function argsToForm(task: TaskInfo | undefined, args: Record<string, unknown> | null): StepDraft["args"] {
  const form: StepDraft["args"] = {};
  for (const [name, schema] of argsOf(task)) {
    const kind = argKind(schema);
    const value = args ? args[name] : schema.default;
    if (kind === "boolean") form[name] = value === true;
    else if (value === undefined) form[name] = "";
    else if (kind === "json") form[name] = JSON.stringify(value, null, 2);
    else form[name] = String(value);
  }
  return form;
}

export function newStep(task: TaskInfo | undefined, name = task?.name ?? ""): StepDraft {
  return { key: newKey(), task: name, args: argsToForm(task, null), extra: {} };
}

function formToArgs(task: TaskInfo | undefined, step: StepDraft, at: string, errors: Record<string, string>) {
  const args: Record<string, unknown> = { ...step.extra };
  const props = new Map(argsOf(task));
  for (const [name, raw] of Object.entries(step.args)) {
    const schema = props.get(name);
    if (!schema) continue;
    const kind = argKind(schema);
    if (kind === "boolean") {
      args[name] = raw === true;
      continue;
    }
    const text = String(raw);
    if (text.trim() === "") continue; // left out: the task's default, or its "required" error
    if (kind === "number") {
      const n = Number(text);
      // templates stay text, the server says if the task refuses them
      args[name] = Number.isFinite(n) ? n : text;
    } else if (kind === "json") {
      try {
        args[name] = JSON.parse(text);
      } catch {
        errors[`${at}.args.${name}`] = "is not valid JSON";
      }
    } else args[name] = text;
  }
  return args;
}

// --- the document -----------------------------------------------------------------------

export function toDocument(draft: Draft, tasks: TaskInfo[]): { doc: RuleDocumentInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let condition: unknown = null;
  if (draft.condMode === "json") {
    if (draft.condJson.trim() !== "")
      try {
        condition = JSON.parse(draft.condJson);
      } catch (e) {
        errors.condition = `is not valid JSON: ${(e as Error).message}`;
      }
  } else condition = rowsToCondition(draft.combinator, draft.rows);

  const holdsMinutes = draft.holdsForMinutes.trim() === "" ? 0 : Number(draft.holdsForMinutes);
  if (!Number.isFinite(holdsMinutes) || holdsMinutes < 0) errors.holdsForSeconds = "give a number of minutes, 0 or more";

  const trigger =
    draft.event === "schedule"
      ? {
          type: "schedule" as const,
          when:
            draft.scheduleKind === "cron"
              ? { cron: draft.cron, timezone: draft.timezone || "UTC" }
              : { everySeconds: Number(draft.everySeconds) },
        }
      : {
          type: "event" as const,
          event: draft.event,
          models: draft.models
            .split(",")
            .map((m) => m.trim())
            .filter(Boolean),
        };

  const steps = draft.steps.map((step, i) => {
    const task = tasks.find((t) => t.name === step.task);
    return {
      task: step.task,
      args: formToArgs(task, step, `steps.${i}`, errors),
      ...(step.when !== undefined ? { when: step.when } : {}),
    };
  });

  const doc = {
    name: draft.name,
    description: draft.description,
    enabled: draft.enabled,
    trigger,
    condition,
    holdsForSeconds: Math.round((Number.isFinite(holdsMinutes) ? holdsMinutes : 0) * 60),
    autoClear: draft.autoClear,
    steps,
  } as unknown as RuleDocumentInput;
  return { doc: Object.keys(errors).length ? null : doc, errors };
}

export function draftOf(rule: Rule, tasks: TaskInfo[]): Draft {
  const builder = conditionToRows(rule.condition);
  const t = rule.trigger;
  return {
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    event: t.type === "event" ? t.event : "schedule",
    models: t.type === "event" ? t.models.join(", ") : "",
    scheduleKind: t.type === "schedule" && t.when.everySeconds !== undefined ? "every" : "cron",
    cron: t.type === "schedule" ? (t.when.cron ?? "") : EMPTY_DRAFT.cron,
    timezone: t.type === "schedule" ? t.when.timezone : "UTC",
    everySeconds: t.type === "schedule" && t.when.everySeconds !== undefined ? String(t.when.everySeconds) : "",
    condMode: builder ? "builder" : "json",
    combinator: builder?.combinator ?? "all",
    rows: builder?.rows ?? [],
    condJson: rule.condition ? JSON.stringify(rule.condition, null, 2) : "",
    holdsForMinutes: String(rule.holdsForSeconds / 60),
    autoClear: rule.autoClear,
    steps: rule.steps.map((s) => {
      const task = tasks.find((x) => x.name === s.task);
      const args = (typeof s.args === "object" && s.args !== null ? s.args : {}) as Record<string, unknown>;
      const shown = new Set(argsOf(task).map(([n]) => n));
      return {
        key: newKey(),
        task: s.task,
        args: argsToForm(task, args),
        extra: Object.fromEntries(Object.entries(args).filter(([k]) => !shown.has(k))),
        ...(s.when !== undefined ? { when: s.when } : {}),
      };
    }),
  };
}

/** Suggested field paths for a trigger's payload, from its JSON Schema (records end in `.*`-like examples). */
export function payloadPaths(schema: unknown, extra: string[] = []): string[] {
  const out: string[] = [];
  const walk = (s: JsonSchema | undefined, at: string, depth: number) => {
    if (!s || depth > 4) return;
    const options = (s as { anyOf?: JsonSchema[] }).anyOf;
    if (options) {
      for (const o of options) walk(o, at, depth);
      return;
    }
    if (s.properties) {
      for (const [k, v] of Object.entries(s.properties)) walk(v, at ? `${at}.${k}` : k, depth + 1);
      return;
    }
    if (at && !out.includes(at)) out.push(at);
  };
  walk(schema as JsonSchema, "", 0);
  return [...extra, ...out.filter((p) => !extra.includes(p))];
}

export const COMMON_PATHS: Record<string, string[]> = {
  "measures.processed": [
    "measure.values.temperature",
    "measure.values.humidity",
    "measure.values.co2",
    "measure.values.battery",
    "measure.name",
    "measure.type",
    "measure.slot",
    "twin.model",
    "twin.reference",
    "twin.metadata.building",
    "twin.metadata.floor",
  ],
};

/** An example payload from a JSON Schema, for the dry run's payload editor. */
export function samplePayload(schema: unknown, event: string): unknown {
  const make = (s: JsonSchema | undefined, name: string): unknown => {
    if (!s) return null;
    const options = (s as { anyOf?: JsonSchema[] }).anyOf;
    if (options) return make(options.find((o) => o.type !== "null") ?? options[0], name);
    if (s.enum) return s.enum[0];
    if (s.properties)
      return Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, k === "event" ? event : make(v, k)]));
    switch (s.type) {
      case "string":
        return name === "at" || name === "measuredAt" ? new Date().toISOString() : name === "id" ? crypto.randomUUID() : "";
      case "number":
      case "integer":
        return 0;
      case "boolean":
        return false;
      case "array":
        return [];
      case "object":
        return name === "values" ? { temperature: 21.5 } : {};
      default:
        return null;
    }
  };
  return make(schema as JsonSchema, "");
}
