import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { keysetBefore, keysetPage, ZKeysetCursor } from "../keyset";

// The payload log: what devices sent, how each payload ended, newest first. Tenant users
// see their tenant's (row-level security), platform admins all, platform keys' included.

export const ZPayloadListSchema = z.object({
  decoder: z.string().max(60).optional(),
  state: z.enum(["RECEIVED", "VALID", "SKIP", "ERROR", "FAILED"]).optional(),
  /** A device reference the payload decoded to. */
  device: z.string().max(128).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  cursor: ZKeysetCursor.optional(),
});

interface PayloadRow {
  id: string;
  tenant_id: string | null;
  decoder: string;
  device_model: string;
  state: string;
  reason: string | null;
  body: unknown;
  received_at: Date;
  processed_at: Date | null;
  devices: string[];
  measures: number;
}

function present(r: PayloadRow) {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    decoder: r.decoder,
    deviceModel: r.device_model,
    state: r.state,
    reason: r.reason,
    body: r.body,
    receivedAt: r.received_at,
    processedAt: r.processed_at,
    devices: r.devices,
    measures: r.measures,
  };
}

const COLUMNS = Prisma.sql`id, tenant_id, decoder, device_model, state, reason, body, received_at, processed_at, devices, measures`;

/** The log's filters and keyset cursor (newest first) as WHERE terms; the log and replays share them. */
export function payloadFilterWhere(
  db: TenantDb | PlatformDb,
  f: { decoder?: string; state?: string; device?: string; from?: Date; to?: Date; cursor?: string },
): Prisma.Sql[] {
  const where: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if ("tenantId" in db) where.push(Prisma.sql`tenant_id = ${db.tenantId}::uuid`);
  if (f.decoder) where.push(Prisma.sql`decoder = ${f.decoder}`);
  if (f.state) where.push(Prisma.sql`state = ${f.state}`);
  if (f.device) where.push(Prisma.sql`${f.device} = ANY(devices)`);
  if (f.from) where.push(Prisma.sql`received_at >= ${f.from}`);
  if (f.to) where.push(Prisma.sql`received_at < ${f.to}`);
  if (f.cursor) {
    where.push(keysetBefore(f.cursor, Prisma.sql`received_at`, Prisma.sql`id`));
  }
  return where;
}

export async function listPayloads(db: TenantDb | PlatformDb, input: z.infer<typeof ZPayloadListSchema>) {
  const where = payloadFilterWhere(db, input);
  const rows = await db.$queryRaw<PayloadRow[]>`
    SELECT ${COLUMNS} FROM payloads WHERE ${Prisma.join(where, " AND ")}
    ORDER BY received_at DESC, id DESC LIMIT ${input.limit + 1}`;
  return keysetPage(rows.map(present), input.limit, (p) => p.receivedAt);
}

export async function getPayload(db: TenantDb | PlatformDb, id: string) {
  const row = (await db.$queryRaw<PayloadRow[]>`SELECT ${COLUMNS} FROM payloads WHERE id = ${id}::uuid`)[0];
  if (!row) throw AppError.notFound("payload", id);
  return present(row);
}

export const ZPrunePayloadsSchema = z.object({
  days: z.number().int().min(0).max(36_500),
  deviceModel: z.string().max(64).optional(),
  /** Only payloads that were processed without error (keep the others to investigate). */
  onlyValid: z.boolean().default(false),
});

/** Deletes payloads older than `days` (their measures stay). */
export async function prunePayloads(db: TenantDb | PlatformDb, input: z.infer<typeof ZPrunePayloadsSchema>) {
  const where: Prisma.Sql[] = [
    Prisma.sql`received_at < now() - make_interval(days => ${input.days})`,
    Prisma.sql`state <> 'RECEIVED'`,
  ];
  if ("tenantId" in db) where.push(Prisma.sql`tenant_id = ${db.tenantId}::uuid`);
  if (input.deviceModel) where.push(Prisma.sql`device_model = ${input.deviceModel}`);
  if (input.onlyValid) where.push(Prisma.sql`state = 'VALID'`);
  const deleted = await db.$executeRaw`DELETE FROM payloads WHERE ${Prisma.join(where, " AND ")}`;
  return { deleted };
}
