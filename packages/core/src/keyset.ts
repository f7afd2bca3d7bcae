import { Prisma } from "@iot/db";
import { z } from "zod";

// Keyset paging for lists newest first (payload log, rule runs, alerts): a cursor is
// "<ms>:<id>" of the last item shown; the next page starts strictly before it.

export const ZKeysetCursor = z.string().regex(/^\d{1,15}:[0-9a-f-]{36}$/, "must be a cursor this list returned");

/** The WHERE term for the page after `cursor`, over a (time, id) pair of columns. */
export function keysetBefore(cursor: string, time: Prisma.Sql, id: Prisma.Sql): Prisma.Sql {
  const [ms, key] = cursor.split(":");
  return Prisma.sql`(${time}, ${id}) < (${new Date(Number(ms))}::timestamptz, ${key}::uuid)`;
}

/** A page of `limit` items out of `limit + 1` rows fetched, and the cursor to the next one. */
export function keysetPage<T extends { id: string }>(rows: T[], limit: number, timeOf: (item: T) => Date) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${timeOf(last).getTime()}:${last.id}` : null };
}
