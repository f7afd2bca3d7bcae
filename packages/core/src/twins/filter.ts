import { Prisma } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";

// One filter language for twins (assets and devices): by model, reference, metadata
// field comparisons, last-seen time, free text, combined with and / or / not. The
// rules engine's conditions reuse it for their twin fields. Compiled to parameterised
// SQL: field names and values are always bound, never spliced.

const ZField = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, "must be a metadata field name");
const ZScalar = z.union([z.string().max(1024), z.number().refine(Number.isFinite, "must be finite"), z.boolean()]);

const ZMetadataCondition = z.discriminatedUnion("op", [
  z.object({ field: ZField, op: z.enum(["eq", "ne"]), value: z.union([ZScalar, z.null()]) }),
  z.object({
    field: ZField,
    op: z.enum(["gt", "gte", "lt", "lte"]),
    value: z.union([z.number().refine(Number.isFinite), z.string().max(64)]),
  }),
  z.object({ field: ZField, op: z.literal("in"), value: z.array(ZScalar).min(1).max(100) }),
  z.object({ field: ZField, op: z.literal("exists"), value: z.boolean().default(true) }),
  z.object({ field: ZField, op: z.literal("contains"), value: z.string().min(1).max(256) }),
]);

const ZLeaf = z.union([
  z.object({ model: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(100)]) }).strict(),
  z
    .object({
      reference: z
        .object({
          eq: z.string().max(256).optional(),
          prefix: z.string().max(256).optional(),
          contains: z.string().min(1).max(256).optional(),
        })
        .strict()
        .refine((r) => Object.keys(r).length === 1, "give exactly one of eq, prefix, contains"),
    })
    .strict(),
  z.object({ metadata: ZMetadataCondition }).strict(),
  z
    .object({
      lastSeen: z
        .object({
          after: z.coerce.date().optional(),
          before: z.coerce.date().optional(),
          withinSeconds: z
            .number()
            .int()
            .positive()
            .max(10 * 365 * 86_400)
            .optional(),
          never: z.boolean().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ text: z.string().trim().min(1).max(256) }).strict(),
]);

export type TTwinFilter = z.infer<typeof ZLeaf> | { and: TTwinFilter[] } | { or: TTwinFilter[] } | { not: TTwinFilter };

export const ZTwinFilterSchema: z.ZodType<TTwinFilter> = z.lazy(() =>
  z.union([
    ZLeaf,
    z.object({ and: z.array(ZTwinFilterSchema).min(1).max(50) }).strict(),
    z.object({ or: z.array(ZTwinFilterSchema).min(1).max(50) }).strict(),
    z.object({ not: ZTwinFilterSchema }).strict(),
  ]),
);

export const MAX_FILTER_DEPTH = 12;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const jsonb = (v: unknown) => Prisma.sql`${JSON.stringify(v)}::jsonb`;

/**
 * The SQL condition for a filter over a twin table with model, reference, metadata,
 * last_seen_at. Safety rule, relied on by the tenant-scoped search views: every value is
 * bound, and no condition may raise an error that depends on row data (casts only under
 * a jsonb_typeof guard, no regex, no date parsing of stored values). Under a NOT, each
 * leaf is COALESCEd to false so NOT inverts it exactly (a missing field is "not
 * matching"); elsewhere a leaf stays bare, so its index can serve it.
 */
export function compileTwinFilter(filter: TTwinFilter, now = new Date(), depth = 0, negated = false): Prisma.Sql {
  if (depth > MAX_FILTER_DEPTH) {
    throw AppError.badRequest(`filters nest ${MAX_FILTER_DEPTH} levels at most`, [
      { path: "filter", message: "nested too deeply" },
    ]);
  }
  if ("and" in filter)
    return Prisma.sql`(${Prisma.join(
      filter.and.map((f) => compileTwinFilter(f, now, depth + 1, negated)),
      " AND ",
    )})`;
  if ("or" in filter)
    return Prisma.sql`(${Prisma.join(
      filter.or.map((f) => compileTwinFilter(f, now, depth + 1, negated)),
      " OR ",
    )})`;
  if ("not" in filter) return Prisma.sql`NOT (${compileTwinFilter(filter.not, now, depth + 1, true)})`;
  const leaf = compileLeaf(filter, now);
  return negated ? Prisma.sql`COALESCE(${leaf}, false)` : leaf;
}

function compileLeaf(filter: z.infer<typeof ZLeaf>, now: Date): Prisma.Sql {
  if ("model" in filter) {
    const models = Array.isArray(filter.model) ? filter.model : [filter.model];
    return Prisma.sql`model = ANY(${models}::text[])`;
  }
  if ("reference" in filter) {
    const r = filter.reference;
    if (r.eq !== undefined) return Prisma.sql`reference = ${r.eq}`;
    if (r.prefix !== undefined) return Prisma.sql`reference LIKE ${`${likeEscape(r.prefix)}%`}`;
    return Prisma.sql`reference ILIKE ${`%${likeEscape(r.contains ?? "")}%`}`;
  }
  if ("text" in filter) {
    const pattern = `%${likeEscape(filter.text)}%`;
    return Prisma.sql`(reference ILIKE ${pattern} OR model ILIKE ${pattern} OR metadata::text ILIKE ${pattern})`;
  }
  if ("lastSeen" in filter) {
    const l = filter.lastSeen;
    const parts: Prisma.Sql[] = [];
    if (l.never) parts.push(Prisma.sql`last_seen_at IS NULL`);
    if (l.after) parts.push(Prisma.sql`last_seen_at >= ${l.after}`);
    if (l.before) parts.push(Prisma.sql`last_seen_at < ${l.before}`);
    if (l.withinSeconds) parts.push(Prisma.sql`last_seen_at >= ${new Date(now.getTime() - l.withinSeconds * 1000)}`);
    return parts.length ? Prisma.sql`(${Prisma.join(parts, " AND ")})` : Prisma.sql`TRUE`;
  }
  const m = filter.metadata;
  const value = Prisma.sql`(metadata -> ${m.field})`;
  switch (m.op) {
    case "eq":
      return m.value === null
        ? Prisma.sql`NOT (metadata ? ${m.field})`
        : Prisma.sql`metadata @> ${jsonb({ [m.field]: m.value })}`;
    case "ne":
      return m.value === null
        ? Prisma.sql`(metadata ? ${m.field})`
        : Prisma.sql`NOT (metadata @> ${jsonb({ [m.field]: m.value })})`;
    case "in":
      return Prisma.sql`(${Prisma.join(
        m.value.map((v) => Prisma.sql`metadata @> ${jsonb({ [m.field]: v })}`),
        " OR ",
      )})`;
    case "exists":
      return m.value ? Prisma.sql`(metadata ? ${m.field})` : Prisma.sql`NOT (metadata ? ${m.field})`;
    case "contains":
      return Prisma.sql`(metadata ->> ${m.field}) ILIKE ${`%${likeEscape(m.value)}%`}`;
    default: {
      const op = Prisma.raw({ gt: ">", gte: ">=", lt: "<", lte: "<=" }[m.op]);
      // numbers compare as numbers (a field holding text never matches), text as text
      return typeof m.value === "number"
        ? Prisma.sql`(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (metadata ->> ${m.field})::numeric END) ${op} ${m.value}`
        : Prisma.sql`(CASE WHEN jsonb_typeof(${value}) = 'string' THEN metadata ->> ${m.field} END) ${op} ${m.value}`;
    }
  }
}

export const TWIN_SORT_FIELDS = ["reference", "model", "lastSeenAt", "createdAt"] as const;

const METADATA_SORT = /^metadata\.([A-Za-z][A-Za-z0-9_-]{0,39})$/;
const MEASURE_SORT = /^measures\.([A-Za-z][A-Za-z0-9_-]{0,39})\.([A-Za-z][A-Za-z0-9_]{0,39})$/;

/** A column to sort by, or a metadata field (`metadata.floor`), or a last measure's value (`measures.temperature.temperature`). */
export const ZTwinSortField = z.union(
  [z.enum(TWIN_SORT_FIELDS), z.string().regex(METADATA_SORT), z.string().regex(MEASURE_SORT)],
  {
    error: `must be one of ${TWIN_SORT_FIELDS.join(", ")}, metadata.<field> or measures.<measure>.<value field>`,
  },
);

export const ZTwinSortSchema = z
  .object({ field: ZTwinSortField.default("reference"), order: z.enum(["asc", "desc"]).default("asc") })
  .default({ field: "reference", order: "asc" });

type SortSql = { expr: Prisma.Sql; type: Prisma.Sql };

/** Sort expressions that are never NULL, so (expr, id) row comparisons page correctly. */
const COLUMN_SORTS: Record<(typeof TWIN_SORT_FIELDS)[number], SortSql> = {
  reference: { expr: Prisma.sql`reference`, type: Prisma.sql`text` },
  model: { expr: Prisma.sql`model`, type: Prisma.sql`text` },
  lastSeenAt: { expr: Prisma.sql`coalesce(last_seen_at, '-infinity'::timestamptz)`, type: Prisma.sql`timestamptz` },
  createdAt: { expr: Prisma.sql`created_at`, type: Prisma.sql`timestamptz` },
};

/**
 * The sort expression of a field. A metadata field or a last measure's value sorts as JSON
 * (numbers as numbers, text as text), behind a flag that puts twins without it (or with
 * JSON null) last either way: [0, value] then [1, null] ascending, and the other way round
 * descending. One jsonb array, so keyset paging compares a single expression.
 */
export function sortSql(field: string, order: "asc" | "desc"): SortSql {
  if (field in COLUMN_SORTS) return COLUMN_SORTS[field as keyof typeof COLUMN_SORTS];
  const metadata = METADATA_SORT.exec(field);
  const measure = MEASURE_SORT.exec(field);
  const value = metadata
    ? Prisma.sql`(metadata -> ${metadata[1]}::text)`
    : measure
      ? Prisma.sql`(measures -> ${measure[1]}::text -> 'values' -> ${measure[2]}::text)`
      : null;
  if (!value) throw new Error(`no sort for ${field}`);
  const [present, missing] = order === "asc" ? [0, 1] : [1, 0];
  return {
    expr: Prisma.sql`(CASE WHEN ${value} IS NULL OR ${value} = 'null'::jsonb
      THEN jsonb_build_array(${Prisma.raw(String(missing))}, null)
      ELSE jsonb_build_array(${Prisma.raw(String(present))}, ${value}) END)`,
    type: Prisma.sql`jsonb`,
  };
}

/** Whether a cursor's sort value can be read back as its sort's type (a tampered one cannot). */
export function sortValueFits(field: string, sortValue: string): boolean {
  if (field === "reference" || field === "model") return true;
  if (field === "lastSeenAt" || field === "createdAt") return sortValue === "-infinity" || !Number.isNaN(Date.parse(sortValue));
  try {
    const parsed = JSON.parse(sortValue) as unknown;
    return Array.isArray(parsed) && parsed.length === 2 && (parsed[0] === 0 || parsed[0] === 1);
  } catch {
    return false;
  }
}

/** An opaque cursor: the sort it belongs to, the last row's sort value (as Postgres text) and id. */
export function encodeCursor(sort: string, sortValue: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, sortValue, id])).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** null for a cursor this sort did not make (another sort, tampered, garbage). */
export function decodeCursor(cursor: string, sort: string): { sortValue: string; id: string } | null {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [forSort, sortValue, id] = parsed as unknown[];
    if (
      forSort !== sort ||
      typeof sortValue !== "string" ||
      sortValue.includes("\u0000") ||
      typeof id !== "string" ||
      !UUID.test(id)
    )
      return null;
    return { sortValue, id };
  } catch {
    return null;
  }
}
