import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import {
  ZTwinFilterSchema,
  ZTwinSortSchema,
  compileTwinFilter,
  decodeCursor,
  encodeCursor,
  sortSql,
  sortValueFits,
} from "./filter";

// Keyset-paginated search over a twin table. The sort expression and id form the cursor,
// so a page costs the same at row 100 as at row 100,000; indexes on (tenant_id, sort
// expression, id) serve the common sorts. Searches read the tenant-scoped views
// assets_search / devices_search, which let filters use their indexes (see the
// twin_search_views migration for why and why it is safe).

/** Counts stop here: past it the console shows "10,000+". */
export const MAX_COUNT = 10_000;

export const ZTwinSearchSchema = z.object({
  filter: ZTwinFilterSchema.optional(),
  sort: ZTwinSortSchema,
  limit: z.number().int().min(1).max(500).default(50),
  cursor: z.string().max(600).optional(),
  /** Also count every match (one more query). */
  withTotal: z.boolean().default(false),
});
export type TTwinSearch = z.infer<typeof ZTwinSearchSchema>;

export async function searchTwinTable<Row extends { id: string; sort_value: string }>(
  db: TenantDb | PlatformDb,
  table: "assets" | "devices",
  columns: Prisma.Sql,
  input: TTwinSearch,
  scopeWhere: Prisma.Sql = Prisma.sql`TRUE`,
): Promise<{ rows: Omit<Row, "sort_value">[]; nextCursor: string | null; total: number | null; totalCapped: boolean }> {
  const sort = sortSql(input.sort.field, input.sort.order);
  const desc = input.sort.order === "desc";
  const where = [scopeWhere, input.filter ? compileTwinFilter(input.filter) : Prisma.sql`TRUE`];
  const filterOnly = Prisma.join(where, " AND ");
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor, `${input.sort.field}:${input.sort.order}`);
    if (!cursor || !sortValueFits(input.sort.field, cursor.sortValue))
      throw AppError.badRequest("cursor is not one this search returned", [{ path: "cursor", message: "invalid cursor" }]);
    const cmp = Prisma.raw(desc ? "<" : ">");
    where.push(Prisma.sql`(${sort.expr}, id) ${cmp} (${cursor.sortValue}::${sort.type}, ${cursor.id}::uuid)`);
  }
  const dir = Prisma.raw(desc ? "DESC" : "ASC");
  const tableSql = Prisma.raw(`"${table}_search"`);
  const rows = await db.$queryRaw<Row[]>`
    SELECT ${columns}, (${sort.expr})::text AS sort_value
    FROM ${tableSql}
    WHERE ${Prisma.join(where, " AND ")}
    ORDER BY ${sort.expr} ${dir}, id ${dir}
    LIMIT ${input.limit + 1}`;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const counted = input.withTotal
    ? ((
        await db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${tableSql} WHERE ${filterOnly} LIMIT ${MAX_COUNT + 1}) s`
      )[0]?.n ?? 0)
    : null;
  return {
    rows: page.map(({ sort_value: _, ...row }) => row),
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor(`${input.sort.field}:${input.sort.order}`, last.sort_value, last.id)
        : null,
    total: counted === null ? null : Math.min(counted, MAX_COUNT),
    totalCapped: counted !== null && counted > MAX_COUNT,
  };
}
