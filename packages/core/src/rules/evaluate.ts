import { type TComparison, type TCondition, type TGeofenceCondition, compareOrdered, isIsoDate } from "./conditions";
import { asGeoPoint, distanceM, insidePolygon, type TGeoPoint } from "./geo";
import { getPath, isPlainObject } from "./paths";
import { matchesTwinFilter } from "./twin-match";

// Evaluation of a condition against a trigger payload. Never throws on data: a missing
// field or a value of the wrong type makes the node not hold. Every node is evaluated
// (no short-circuit) so the trace shows the whole document: what held, what did not,
// and the value seen, for the dry-run panel's "why did this rule not fire".
//
// Field semantics: a missing field (undefined or null) holds only `exists: false` and
// `eq: null`; so `ne` and `nin` mean "present and different" (use `not` for "anything
// but"). gt..lte and between compare numbers with numbers, and ISO dates (or Date
// values) with ISO dates; numeric strings are not numbers.

export type TPayload = Record<string, unknown>;

export interface TConditionTrace {
  /** Where the node is in the document: "" for the root, then "all.0.not"... */
  path: string;
  kind: "all" | "any" | "not" | "field" | "geofence" | "twin";
  holds: boolean;
  /** The value the node looked at (a Date as its ISO text); absent when missing. */
  actual?: unknown;
  /** Geofence enter / exit: the point of the previous payload. */
  previous?: unknown;
  /** Extra words: a distance, why a value was not comparable... */
  note?: string;
  children?: TConditionTrace[];
}

export interface TEvaluation {
  holds: boolean;
  trace: TConditionTrace;
}

/** `previous`: the twin's previous payload, for geofence enter / exit. */
export function evaluateCondition(condition: TCondition, payload: TPayload, previous?: TPayload | null): TEvaluation {
  const trace = evaluateNode(condition, payload, previous ?? null, "");
  return { holds: trace.holds, trace };
}

const join = (path: string, ...more: (string | number)[]) => [path, ...more].filter((p) => p !== "").join(".");

function evaluateNode(node: TCondition, payload: TPayload, previous: TPayload | null, path: string): TConditionTrace {
  if ("all" in node) {
    const children = node.all.map((c, i) => evaluateNode(c, payload, previous, join(path, "all", i)));
    return { path, kind: "all", holds: children.every((c) => c.holds), children };
  }
  if ("any" in node) {
    const children = node.any.map((c, i) => evaluateNode(c, payload, previous, join(path, "any", i)));
    return { path, kind: "any", holds: children.some((c) => c.holds), children };
  }
  if ("not" in node) {
    const child = evaluateNode(node.not, payload, previous, join(path, "not"));
    return { path, kind: "not", holds: !child.holds, children: [child] };
  }
  if ("geofence" in node) return evaluateGeofence(node, payload, previous, path);
  if ("twin" in node) {
    const twin = getPath(payload, node.of ?? "twin");
    if (!isPlainObject(twin)) return { path, kind: "twin", holds: false, note: `no twin at ${node.of ?? "twin"}` };
    const { model, reference, metadata } = twin;
    return { path, kind: "twin", holds: matchesTwinFilter(node.twin, twin), actual: { model, reference, metadata } };
  }
  return evaluateComparison(node, payload, path);
}

function evaluateComparison(node: TComparison, payload: TPayload, path: string): TConditionTrace {
  const raw = getPath(payload, node.field);
  const actual = raw instanceof Date ? raw.toISOString() : raw;
  const missing = actual === undefined || actual === null;
  const trace = (holds: boolean, note?: string): TConditionTrace => ({
    path,
    kind: "field",
    holds,
    ...(missing ? {} : { actual }),
    ...(note ? { note } : {}),
  });
  if (node.op === "exists") return trace(node.value === !missing);
  if (node.op === "eq" && node.value === null) return trace(missing);
  if (node.op === "ne" && node.value === null) return trace(!missing);
  if (missing) return trace(false, "missing");
  switch (node.op) {
    case "eq":
      return trace(sameValue(actual, node.value));
    case "ne":
      return trace(!sameValue(actual, node.value));
    case "in":
      return trace(node.value.some((v) => sameValue(actual, v)));
    case "nin":
      return trace(!node.value.some((v) => sameValue(actual, v)));
    case "between": {
      const [min, max] = node.value;
      const lo = compareWith(actual, min);
      const hi = compareWith(actual, max);
      if (lo === null || hi === null) return trace(false, notComparable(min));
      return trace(lo >= 0 && hi <= 0);
    }
    default: {
      const c = compareWith(actual, node.value);
      if (c === null) return trace(false, notComparable(node.value));
      return trace({ gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 }[node.op]);
    }
  }
}

const notComparable = (expected: number | string) => (typeof expected === "number" ? "not a number" : "not an ISO date");

/** Equal scalars; an ISO date value also equals the same instant written otherwise. */
function sameValue(actual: unknown, value: string | number | boolean | null): boolean {
  if (actual === value) return true;
  return typeof value === "string" && isIsoDate(value) && compareWith(actual, value) === 0;
}

/** actual minus expected, or null when actual is not of expected's kind. */
function compareWith(actual: unknown, expected: number | string): number | null {
  if (typeof expected === "number") return typeof actual === "number" && Number.isFinite(actual) ? actual - expected : null;
  if (typeof actual !== "string" || !isIsoDate(actual)) return null;
  return compareOrdered(actual, expected);
}

function evaluateGeofence(node: TGeofenceCondition, payload: TPayload, previous: TPayload | null, path: string): TConditionTrace {
  const { field, shape, when } = node.geofence;
  const raw = getPath(payload, field);
  const now = asGeoPoint(raw);
  const trace: TConditionTrace = { path, kind: "geofence", holds: false, ...(raw === undefined ? {} : { actual: raw }) };
  if (!now) return { ...trace, note: raw === undefined ? "missing" : "not a { lat, lon } position" };
  const test = (p: TGeoPoint) =>
    "circle" in shape ? distanceM(p, shape.circle) <= shape.circle.radiusM : insidePolygon(p, shape.polygon);
  const insideNow = test(now);
  const note = "circle" in shape ? `${Math.round(distanceM(now, shape.circle))} m from the center` : undefined;
  if (when === "inside" || when === "outside") {
    return { ...trace, holds: when === "inside" ? insideNow : !insideNow, ...(note ? { note } : {}) };
  }
  const before = previous ? asGeoPoint(getPath(previous, field)) : null;
  const insideBefore = before ? test(before) : false;
  const holds = when === "enter" ? insideNow && !insideBefore : insideBefore && !insideNow;
  return { ...trace, holds, ...(before ? { previous: before } : {}), ...(note ? { note } : {}) };
}
