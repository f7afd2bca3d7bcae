import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";

// A device row as stored, and how to find one by id or by (model, reference): shared by
// the device and link services.

export const ZDeviceRefSchema = z.union([
  z.object({ id: z.string().uuid("must be a device id") }),
  z.object({ model: z.string().min(1), reference: z.string().trim().min(1).max(128) }),
]);

export const deviceColumns = Prisma.sql`id, model, reference, tenant_id, asset_id, link_measures, metadata, measures, last_seen_at, created_at, updated_at`;

export interface DeviceRow {
  id: string;
  model: string;
  reference: string;
  tenant_id: string | null;
  asset_id: string | null;
  link_measures: unknown;
  metadata: unknown;
  measures: unknown;
  last_seen_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function findDeviceRow(db: TenantDb | PlatformDb, ref: z.infer<typeof ZDeviceRefSchema>): Promise<DeviceRow> {
  const where =
    "id" in ref ? Prisma.sql`id = ${ref.id}::uuid` : Prisma.sql`model = ${ref.model} AND reference = ${ref.reference}`;
  const rows = await db.$queryRaw<DeviceRow[]>`SELECT ${deviceColumns} FROM devices WHERE ${where}`;
  const row = rows[0];
  if (!row) throw AppError.notFound("device", "id" in ref ? ref.id : `${ref.model}/${ref.reference}`);
  return row;
}
