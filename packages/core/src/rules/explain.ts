import type { TTwinFilter } from "../twins/filter";
import type { TComparison, TCondition, TGeofenceCondition } from "./conditions";

// Conditions in English words, for the console beside the editor:
// `measure.values.temperature is greater than 30`, `all of: (...; ...)`,
// `measure.values.position leaves the circle of 200 m around 45.76, 4.84`.

export function explainCondition(condition: TCondition): string {
  if ("all" in condition) return `all of: (${condition.all.map(explainCondition).join("; ")})`;
  if ("any" in condition) return `any of: (${condition.any.map(explainCondition).join("; ")})`;
  if ("not" in condition) return `not (${explainCondition(condition.not)})`;
  if ("geofence" in condition) return explainGeofence(condition);
  if ("twin" in condition) return explainTwinFilter(condition.twin, condition.of ?? "twin");
  return `${condition.field} ${explainComparison(condition)}`;
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));
const list = (values: readonly unknown[]) => values.map(show).join(", ");
const isDate = (v: unknown) => typeof v === "string";

function explainComparison(c: TComparison): string {
  switch (c.op) {
    case "eq":
      return c.value === null ? "is absent" : `is ${show(c.value)}`;
    case "ne":
      return c.value === null ? "is present" : `is not ${show(c.value)}`;
    case "in":
      return `is one of ${list(c.value)}`;
    case "nin":
      return `is none of ${list(c.value)}`;
    case "gt":
      return isDate(c.value) ? `is after ${c.value}` : `is greater than ${c.value}`;
    case "gte":
      return isDate(c.value) ? `is at or after ${c.value}` : `is at least ${c.value}`;
    case "lt":
      return isDate(c.value) ? `is before ${c.value}` : `is less than ${c.value}`;
    case "lte":
      return isDate(c.value) ? `is at or before ${c.value}` : `is at most ${c.value}`;
    case "between":
      return `is between ${c.value[0]} and ${c.value[1]}`;
    case "exists":
      return c.value ? "is present" : "is absent";
  }
}

const VERBS = { inside: "is inside", outside: "is outside", enter: "enters", exit: "leaves" } as const;

function explainGeofence(c: TGeofenceCondition): string {
  const { field, shape, when } = c.geofence;
  const area =
    "circle" in shape
      ? `the circle of ${shape.circle.radiusM} m around ${shape.circle.lat}, ${shape.circle.lon}`
      : `the polygon (${shape.polygon.map(([lat, lon]) => `${lat}, ${lon}`).join("; ")})`;
  return `${field} ${VERBS[when]} ${area}`;
}

/** A twin filter in words; `of` names the twin ("twin", "asset"...). */
export function explainTwinFilter(filter: TTwinFilter, of = "twin"): string {
  if ("and" in filter) return `all of: (${filter.and.map((f) => explainTwinFilter(f, of)).join("; ")})`;
  if ("or" in filter) return `any of: (${filter.or.map((f) => explainTwinFilter(f, of)).join("; ")})`;
  if ("not" in filter) return `not (${explainTwinFilter(filter.not, of)})`;
  if ("model" in filter)
    return Array.isArray(filter.model) ? `${of}.model is one of ${list(filter.model)}` : `${of}.model is ${show(filter.model)}`;
  if ("reference" in filter) {
    const r = filter.reference;
    if (r.eq !== undefined) return `${of}.reference is ${show(r.eq)}`;
    if (r.prefix !== undefined) return `${of}.reference starts with ${show(r.prefix)}`;
    return `${of}.reference contains ${show(r.contains)} (any case)`;
  }
  if ("text" in filter) return `${of} mentions ${show(filter.text)} (reference, model or metadata, any case)`;
  if ("lastSeen" in filter) return `${of} was last seen ${JSON.stringify(filter.lastSeen)}`;
  const m = filter.metadata;
  const field = `${of}.metadata.${m.field}`;
  switch (m.op) {
    case "eq":
      return m.value === null ? `${field} is absent` : `${field} is ${show(m.value)}`;
    case "ne":
      return m.value === null ? `${field} is present` : `${field} is not ${show(m.value)}`;
    case "in":
      return `${field} is one of ${list(m.value)}`;
    case "exists":
      return m.value === false ? `${field} is absent` : `${field} is present`;
    case "contains":
      return `${field} contains ${show(m.value)} (any case)`;
    default: {
      const words = { gt: "is greater than", gte: "is at least", lt: "is less than", lte: "is at most" }[m.op];
      return `${field} ${words} ${show(m.value)}`;
    }
  }
}
