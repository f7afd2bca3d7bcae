import type { PlatformDb, TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { json } from "./json";

// The asset's history: what happened to it, newest first. Measures add their own
// entries in the measures issue (when the tenant keeps asset history).
export type THistoryEvent = "created" | "metadata" | "link" | "unlink" | "measure";

export interface THistoryEntry {
  tenantId: string;
  assetId: string;
  event: THistoryEvent;
  details: Record<string, unknown>;
  actor: string | null;
}

export async function writeHistory(db: TenantDb | PlatformDb, entry: THistoryEntry) {
  await db.assetHistory.create({ data: { ...entry, details: json(entry.details) }, select: { id: true } });
}

/** Several entries in one insert. */
export async function writeHistoryMany(db: TenantDb | PlatformDb, entries: THistoryEntry[]) {
  if (entries.length) await db.assetHistory.createMany({ data: entries.map((e) => ({ ...e, details: json(e.details) })) });
}

export const ZAssetHistorySchema = z.object({
  assetId: z.string().uuid(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, "must be a history entry id")
    .optional(),
});

export async function assetHistory(db: TenantDb, input: z.infer<typeof ZAssetHistorySchema>) {
  if (!(await db.asset.findUnique({ where: { id: input.assetId }, select: { id: true } })))
    throw AppError.notFound("asset", input.assetId);
  const rows = await db.assetHistory.findMany({
    where: { assetId: input.assetId, ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      at: r.at,
      event: r.event,
      details: r.details as Record<string, unknown>,
      actor: r.actor,
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
