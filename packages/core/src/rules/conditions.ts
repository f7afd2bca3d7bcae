import { z } from "zod";
import { type TTwinFilter, ZTwinFilterSchema } from "../twins/filter";
import { isPlainObject, ZFieldPath } from "./paths";

// The condition language of rules: JSON documents over a trigger payload (a plain object
// such as { twin: { id, model, reference, metadata }, measure: { name, slot, type,
// measuredAt, values } }). Combinators all / any / not; field comparisons; geofences
// (inside, outside, and enter / exit against the twin's previous payload); and twin
// filters, in the language of twin search (twins/filter.ts).
//
// A node is recognised by its one kind key (all, any, not, field, geofence, twin); it is
// then checked against that kind's schema only, so an error names the exact path
// (`all.1.value`) instead of a union's "Invalid input" at the root.

export const MAX_CONDITION_NODES = 50;
export const MAX_CONDITION_DEPTH = 8;

export const COMPARISON_OPS = ["eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "between", "exists"] as const;
export type TComparisonOp = (typeof COMPARISON_OPS)[number];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO date (2024-05-01) or date-time with its offset (2024-05-01T12:00:00Z). */
export const isIsoDate = (s: string) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s));

const ZFinite = z.number().refine(Number.isFinite, "must be a finite number");
const ZScalar = z.union([z.string().max(1024), ZFinite, z.boolean()], {
  error: "must be a string, a number or a boolean",
});
const ZIsoDate = z.string().refine(isIsoDate, "must be an ISO date: 2024-05-01 or 2024-05-01T12:00:00Z");
const ZOrdered = z.union([ZFinite, ZIsoDate], { error: "must be a number or an ISO date" });

const comparison = <Op extends TComparisonOp, V extends z.ZodType>(op: Op, value: V) =>
  z.object({ kind: z.literal("field"), field: ZFieldPath, op: z.literal(op), value }).strict();

const ZComparison = z.discriminatedUnion(
  "op",
  [
    comparison("eq", z.union([ZScalar, z.null()], { error: "must be a string, a number, a boolean or null" })),
    comparison("ne", z.union([ZScalar, z.null()], { error: "must be a string, a number, a boolean or null" })),
    comparison("in", z.array(ZScalar).min(1, "give at least one value").max(100)),
    comparison("nin", z.array(ZScalar).min(1, "give at least one value").max(100)),
    comparison("gt", ZOrdered),
    comparison("gte", ZOrdered),
    comparison("lt", ZOrdered),
    comparison("lte", ZOrdered),
    comparison("between", z.tuple([ZOrdered, ZOrdered], { error: "must be [min, max]" })).refine(
      (c) => orderedKind(c.value[0]) === orderedKind(c.value[1]) && compareOrdered(c.value[0], c.value[1]) <= 0,
      { message: "must be [min, max]: two numbers or two ISO dates, min not above max", path: ["value"] },
    ),
    comparison("exists", z.boolean({ error: "must be true or false" })),
  ],
  { error: `op must be one of ${COMPARISON_OPS.join(", ")}` },
);

const orderedKind = (v: number | string) => typeof v;
/** Numbers as numbers, ISO dates as instants. */
export const compareOrdered = (a: number | string, b: number | string) =>
  typeof a === "number" && typeof b === "number" ? a - b : Date.parse(String(a)) - Date.parse(String(b));

const ZLat = z.number().min(-90, "a latitude is within -90..90").max(90, "a latitude is within -90..90");
const ZLon = z.number().min(-180, "a longitude is within -180..180").max(180, "a longitude is within -180..180");

export const GEOFENCE_WHEN = ["inside", "outside", "enter", "exit"] as const;

const ZShape = z.union(
  [
    z.object({ circle: z.object({ lat: ZLat, lon: ZLon, radiusM: z.number().positive().max(20_000_000) }).strict() }).strict(),
    z
      .object({
        polygon: z
          .array(z.tuple([ZLat, ZLon]))
          .min(3, "a polygon has at least 3 points")
          .max(500),
      })
      .strict(),
  ],
  { error: "must be { circle: { lat, lon, radiusM } } or { polygon: [[lat, lon], ...] }" },
);

const ZGeofence = z
  .object({
    kind: z.literal("geofence"),
    geofence: z
      .object({
        field: ZFieldPath,
        shape: ZShape,
        when: z.enum(GEOFENCE_WHEN, { error: `must be one of ${GEOFENCE_WHEN.join(", ")}` }),
      })
      .strict(),
  })
  .strict();

const ZTwinCondition = z
  .object({
    kind: z.literal("twin"),
    twin: ZTwinFilterSchema,
    /** Where the twin is in the payload; "twin" when not given. */
    of: ZFieldPath.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const path of lastSeenPaths(c.twin, ["twin"]))
      ctx.addIssue({
        code: "custom",
        path,
        message:
          "lastSeen is a search filter: a rule's trigger payload carries no last-seen time (use a schedule, or a condition on measure.measuredAt)",
      });
  });

function lastSeenPaths(filter: TTwinFilter, at: (string | number)[]): (string | number)[][] {
  if ("and" in filter) return filter.and.flatMap((f, i) => lastSeenPaths(f, [...at, "and", i]));
  if ("or" in filter) return filter.or.flatMap((f, i) => lastSeenPaths(f, [...at, "or", i]));
  if ("not" in filter) return lastSeenPaths(filter.not, [...at, "not"]);
  return "lastSeen" in filter ? [[...at, "lastSeen"]] : [];
}

type Untagged<T> = T extends unknown ? Omit<T, "kind"> : never;
export type TComparison = Untagged<z.output<typeof ZComparison>>;
export type TGeofenceCondition = Untagged<z.output<typeof ZGeofence>>;
export type TTwinCondition = Untagged<z.output<typeof ZTwinCondition>>;
export type TCondition =
  | { all: TCondition[] }
  | { any: TCondition[] }
  | { not: TCondition }
  | TComparison
  | TGeofenceCondition
  | TTwinCondition;

const KINDS = ["all", "any", "not", "field", "geofence", "twin"] as const;
type TKind = (typeof KINDS)[number];

/** The kind key of a node, or null when it has none or several. */
export function conditionKind(node: unknown): TKind | null {
  if (!isPlainObject(node)) return null;
  const kinds = KINDS.filter((k) => Object.hasOwn(node, k));
  return kinds.length === 1 ? (kinds[0] as TKind) : null;
}

const ZChildren = z
  .array(z.lazy(() => ZConditionNode))
  .min(1, "give at least one condition")
  .max(MAX_CONDITION_NODES);

const ZTagged = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all"), all: ZChildren }).strict(),
  z.object({ kind: z.literal("any"), any: ZChildren }).strict(),
  z.object({ kind: z.literal("not"), not: z.lazy(() => ZConditionNode) }).strict(),
  ZComparison,
  ZGeofence,
  ZTwinCondition,
]);

const tagKind = (input: unknown, ctx: z.RefinementCtx) => {
  const kind = conditionKind(input);
  if (kind === null || Object.hasOwn(input as object, "kind")) {
    const found = isPlainObject(input) ? KINDS.filter((k) => Object.hasOwn(input, k)) : [];
    ctx.addIssue({
      code: "custom",
      message:
        kind !== null
          ? 'Unrecognized key: "kind"'
          : found.length > 1
            ? `a condition has one kind, not ${found.join(" and ")}: wrap them in { all: [...] }`
            : "a condition is one of { all: [...] }, { any: [...] }, { not: ... }, { field, op, value }, { geofence: ... }, { twin: ... }",
    });
    return z.NEVER;
  }
  return { ...(input as object), kind };
};

const untag = ({ kind: _kind, ...node }: z.output<typeof ZTagged>) => node as TCondition;

/** One node and its children, without the document limits. */
const ZConditionNode: z.ZodType<TCondition, unknown> = z.preprocess(tagKind, ZTagged).transform(untag);

/**
 * A condition document: checked first for its size (nodes, counting the nodes of twin
 * filters, and depth), so an oversized document is refused before being walked, then
 * node by node.
 */
export const ZCondition: z.ZodType<TCondition, unknown> = z
  .unknown()
  .superRefine((input, ctx) => {
    const seen = { nodes: 0, reported: false };
    walkSize(input, [], 1, seen, ctx);
    if (seen.nodes > MAX_CONDITION_NODES)
      ctx.addIssue({
        code: "custom",
        message: `a condition has ${MAX_CONDITION_NODES} nodes at most (this one has ${seen.nodes > NODES_WALKED ? `more than ${NODES_WALKED}` : seen.nodes}): split the rule`,
      });
  })
  .pipe(ZConditionNode);

const NODES_WALKED = MAX_CONDITION_NODES * 4;

function walkSize(
  node: unknown,
  path: (string | number)[],
  depth: number,
  seen: { nodes: number; reported: boolean },
  ctx: z.RefinementCtx,
): void {
  if (!isPlainObject(node)) return;
  seen.nodes++;
  if (depth > MAX_CONDITION_DEPTH) {
    if (!seen.reported)
      ctx.addIssue({
        code: "custom",
        path,
        message: `conditions nest ${MAX_CONDITION_DEPTH} levels at most (twin filters included): this one is level ${depth}`,
      });
    seen.reported = true;
    return;
  }
  if (seen.nodes > NODES_WALKED) return; // counted enough to refuse
  const children: [unknown, (string | number)[]][] = [];
  for (const key of ["all", "any", "and", "or"] as const)
    if (Array.isArray(node[key])) for (const [i, c] of (node[key] as unknown[]).entries()) children.push([c, [...path, key, i]]);
  if ("not" in node) children.push([node.not, [...path, "not"]]);
  if ("twin" in node && isPlainObject(node.twin) && conditionKind(node) === "twin") children.push([node.twin, [...path, "twin"]]);
  for (const [child, at] of children) walkSize(child, at, depth + 1, seen, ctx);
}
