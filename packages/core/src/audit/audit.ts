import { type PlatformDb, type TenantDb, withPlatform, withTenant } from "@iot/db";
import { z } from "zod";

// The audit trail: who (user, and key if one was used), in which tenant, which
// procedure on which entity, when, and how it ended. Never inputs: no passwords, keys
// or payload bodies can reach it.

export interface AuditRecord {
  tenantId: string | null;
  actorUserId: string | null;
  actorKeyId: string | null;
  actorLabel: string;
  procedure: string;
  entityType: string;
  entityId: string | null;
  outcome: "ok" | "error";
  errorCode: string | null;
}

/** Written in its own transaction, so a failed mutation (rolled back) is still recorded. */
export async function recordAudit(entry: AuditRecord): Promise<void> {
  const write = (db: TenantDb | PlatformDb) => db.auditEntry.create({ data: entry, select: { id: true } });
  if (entry.tenantId) await withTenant(entry.tenantId, write);
  else await withPlatform(write);
}

const ZAuditDate = z.date().min(new Date("2000-01-01"), "too far back").max(new Date("9999-12-31"), "too far ahead");

export const ZSearchAuditSchema = z.object({
  /** Platform scope only: one tenant's entries; "platform" for those outside any tenant. */
  tenantId: z.union([z.string().uuid(), z.literal("platform")]).optional(),
  actorUserId: z.string().uuid().optional(),
  procedure: z.string().max(120).optional(),
  entityType: z.string().max(60).optional(),
  entityId: z.string().max(120).optional(),
  outcome: z.enum(["ok", "error"]).optional(),
  from: ZAuditDate.optional(),
  to: ZAuditDate.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  /** The id of the last entry of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, "must be an entry id")
    .optional(),
});

/** Newest first. A tenant scope sees its tenant's entries only (row-level security). */
export async function searchAudit(db: TenantDb | PlatformDb, input: z.infer<typeof ZSearchAuditSchema>) {
  const rows = await db.auditEntry.findMany({
    where: {
      ...(input.tenantId === "platform" ? { tenantId: null } : input.tenantId ? { tenantId: input.tenantId } : {}),
      ...(input.actorUserId ? { actorUserId: input.actorUserId } : {}),
      ...(input.procedure ? { procedure: { startsWith: input.procedure } } : {}),
      ...(input.entityType ? { entityType: input.entityType } : {}),
      ...(input.entityId ? { entityId: input.entityId } : {}),
      ...(input.outcome ? { outcome: input.outcome } : {}),
      ...(input.from || input.to
        ? { at: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lte: input.to } : {}) } }
        : {}),
      ...(input.cursor ? { id: { lt: BigInt(input.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({ ...r, id: r.id.toString() })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id.toString() ?? null) : null,
  };
}
