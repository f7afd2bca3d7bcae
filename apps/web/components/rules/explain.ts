// Conditions in words, beside the editor: the console's copy of the rules engine's
// explanation (the engine's lives in @iot/core's server code, not shipped to browsers).
// Works on any JSON: a node it does not know is shown as JSON.

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));
const list = (values: unknown) => (Array.isArray(values) ? values.map(show).join(", ") : show(values));

export function explainCondition(node: unknown): string {
  if (!isObject(node)) return show(node);
  if (Array.isArray(node.all)) return `all of: (${node.all.map(explainCondition).join("; ")})`;
  if (Array.isArray(node.any)) return `any of: (${node.any.map(explainCondition).join("; ")})`;
  if ("not" in node) return `not (${explainCondition(node.not)})`;
  if (isObject(node.geofence)) return explainGeofence(node.geofence);
  if ("twin" in node) return explainTwinFilter(node.twin, typeof node.of === "string" ? node.of : "twin");
  if (typeof node.field === "string") return `${node.field} ${explainComparison(String(node.op), node.value)}`;
  return JSON.stringify(node);
}

export function explainComparison(op: string, value: unknown): string {
  const date = typeof value === "string";
  switch (op) {
    case "eq":
      return value === null ? "is absent" : `is ${show(value)}`;
    case "ne":
      return value === null ? "is present" : `is not ${show(value)}`;
    case "in":
      return `is one of ${list(value)}`;
    case "nin":
      return `is none of ${list(value)}`;
    case "gt":
      return date ? `is after ${value}` : `is greater than ${show(value)}`;
    case "gte":
      return date ? `is at or after ${value}` : `is at least ${show(value)}`;
    case "lt":
      return date ? `is before ${value}` : `is less than ${show(value)}`;
    case "lte":
      return date ? `is at or before ${value}` : `is at most ${show(value)}`;
    case "between":
      return Array.isArray(value) ? `is between ${show(value[0])} and ${show(value[1])}` : `is between ${show(value)}`;
    case "exists":
      return value === false ? "is absent" : "is present";
    default:
      return `${op} ${show(value)}`;
  }
}

const VERBS: Record<string, string> = { inside: "is inside", outside: "is outside", enter: "enters", exit: "leaves" };

function explainGeofence(g: Node): string {
  const shape = isObject(g.shape) ? g.shape : {};
  let area = JSON.stringify(shape);
  if (isObject(shape.circle)) area = `the circle of ${shape.circle.radiusM} m around ${shape.circle.lat}, ${shape.circle.lon}`;
  else if (Array.isArray(shape.polygon))
    area = `the polygon (${shape.polygon.map((p) => (Array.isArray(p) ? p.join(", ") : String(p))).join("; ")})`;
  return `${String(g.field)} ${VERBS[String(g.when)] ?? String(g.when)} ${area}`;
}

function explainTwinFilter(filter: unknown, of: string): string {
  if (!isObject(filter)) return `${of} matches ${show(filter)}`;
  if (Array.isArray(filter.and)) return `all of: (${filter.and.map((f) => explainTwinFilter(f, of)).join("; ")})`;
  if (Array.isArray(filter.or)) return `any of: (${filter.or.map((f) => explainTwinFilter(f, of)).join("; ")})`;
  if ("not" in filter) return `not (${explainTwinFilter(filter.not, of)})`;
  if ("model" in filter)
    return Array.isArray(filter.model) ? `${of}.model is one of ${list(filter.model)}` : `${of}.model is ${show(filter.model)}`;
  if (isObject(filter.reference)) {
    const r = filter.reference;
    if (r.eq !== undefined) return `${of}.reference is ${show(r.eq)}`;
    if (r.prefix !== undefined) return `${of}.reference starts with ${show(r.prefix)}`;
    return `${of}.reference contains ${show(r.contains)} (any case)`;
  }
  if ("text" in filter) return `${of} mentions ${show(filter.text)} (reference, model or metadata, any case)`;
  if (isObject(filter.metadata)) {
    const m = filter.metadata;
    const field = `${of}.metadata.${String(m.field)}`;
    if (m.op === "contains") return `${field} contains ${show(m.value)} (any case)`;
    if (m.op === "exists") return `${field} ${m.value === false ? "is absent" : "is present"}`;
    return `${field} ${explainComparison(String(m.op), m.value)}`;
  }
  return `${of} matches ${JSON.stringify(filter)}`;
}
