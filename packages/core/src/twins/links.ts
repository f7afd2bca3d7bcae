import type { PlatformDb, TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { emitAfterCommit } from "../events/bus";
import { type DeviceRow, findDeviceRow } from "./device-rows";
import { writeHistory } from "./history";
import { getAssetModel, getDeviceModel } from "./models";

// Linking maps device measures to asset slots of the same type, so several devices of
// one type can feed one asset through different slots. Without an explicit mapping,
// names that match with the same type are linked (the reference's implicit linking).

export const ZLinkAssetSchema = z.object({
  deviceId: z.string().uuid("must be a device id"),
  assetId: z.string().uuid("must be an asset id"),
  measureNames: z
    .array(z.object({ device: z.string().min(1).max(40), asset: z.string().min(1).max(40) }))
    .min(1)
    .max(64)
    .optional(),
});

export type TLinkMeasure = { device: string; asset: string; type: string };

export async function linkAsset(
  db: TenantDb,
  tenantGroup: string,
  input: z.infer<typeof ZLinkAssetSchema>,
  actor: string | null,
) {
  // the asset, then the device, locked for the transaction: links to one asset (and to one
  // device) happen one at a time, so two can never claim the same slot
  await db.$queryRaw`SELECT id FROM assets WHERE id = ${input.assetId}::uuid FOR UPDATE`;
  await db.$queryRaw`SELECT id FROM devices WHERE id = ${input.deviceId}::uuid FOR UPDATE`;
  // row-level security: a device or asset of another tenant (or an orphan) is not found here
  const device = await findDeviceRow(db, { id: input.deviceId }).catch(() => {
    throw AppError.notFound("device in this tenant", input.deviceId);
  });
  const asset = await db.asset.findUnique({ where: { id: input.assetId }, select: { id: true, model: true, reference: true } });
  if (!asset) throw AppError.notFound("asset in this tenant", input.assetId);
  if (device.asset_id && device.asset_id !== asset.id) {
    throw AppError.conflict(`device ${device.reference} is already linked to another asset: unlink it first`);
  }
  const deviceModel = await getDeviceModel(db, device.model);
  const assetModel = await getAssetModel(db, tenantGroup, asset.model);
  // slots already fed by the asset's other devices
  const others = await db.device.findMany({
    where: { assetId: asset.id, id: { not: device.id } },
    select: { reference: true, linkMeasures: true },
  });
  const taken = new Map(others.flatMap((o) => (o.linkMeasures as TLinkMeasure[]).map((m) => [m.asset, o.reference] as const)));
  const deviceSlots = new Map(deviceModel.measures.map((m) => [m.name, m.type]));
  const assetSlots = new Map(assetModel.measures.map((m) => [m.name, m.type]));

  let mapping: TLinkMeasure[];
  if (input.measureNames) {
    mapping = input.measureNames.map(({ device: d, asset: a }, i) => {
      const deviceType = deviceSlots.get(d);
      const assetType = assetSlots.get(a);
      if (!deviceType)
        throw AppError.badRequest(`measure "${d}" is not in device model ${device.model}`, [
          { path: `measureNames.${i}.device`, message: "not in the device model" },
        ]);
      if (!assetType)
        throw AppError.badRequest(`slot "${a}" is not in asset model ${asset.model}`, [
          { path: `measureNames.${i}.asset`, message: "not in the asset model" },
        ]);
      if (deviceType !== assetType) {
        throw AppError.badRequest(`types differ: device measure "${d}" is ${deviceType}, asset slot "${a}" is ${assetType}`, [
          { path: `measureNames.${i}`, message: "types differ" },
        ]);
      }
      return { device: d, asset: a, type: deviceType };
    });
    const slots = mapping.map((m) => m.asset);
    if (new Set(slots).size !== slots.length)
      throw AppError.badRequest("two device measures cannot feed the same asset slot", [
        { path: "measureNames", message: "asset slots repeat" },
      ]);
  } else {
    mapping = [...deviceSlots]
      .filter(([name, type]) => assetSlots.get(name) === type && !taken.has(name))
      .map(([name, type]) => ({ device: name, asset: name, type }));
    if (!mapping.length) {
      throw AppError.badRequest(
        `no measure of device model ${device.model} matches a free slot of asset model ${asset.model} by name and type: give measureNames`,
        [{ path: "measureNames", message: "required: no implicit match" }],
      );
    }
  }
  for (const m of mapping) {
    const owner = taken.get(m.asset);
    if (owner) throw AppError.conflict(`slot "${m.asset}" of asset ${asset.reference} is already fed by device ${owner}`);
  }

  await db.device.update({ where: { id: device.id }, data: { assetId: asset.id, linkMeasures: mapping } });
  await writeHistory(db, {
    tenantId: db.tenantId,
    assetId: asset.id,
    event: "link",
    details: { deviceId: device.id, model: device.model, reference: device.reference, measures: mapping },
    actor,
  });
  emitAfterCommit(db, "device.linked", {
    deviceId: device.id,
    assetId: asset.id,
    tenantId: db.tenantId,
    measures: mapping.map(({ device: d, asset: a }) => ({ device: d, asset: a })),
  });
  return { deviceId: device.id, assetId: asset.id, measures: mapping };
}

/** Unlinks a device from its asset and writes it in the asset's history. */
export async function unlinkDevice(db: TenantDb | PlatformDb, input: { deviceId: string }, actor: string | null) {
  await db.$queryRaw`SELECT id FROM devices WHERE id = ${input.deviceId}::uuid FOR UPDATE`;
  const device: DeviceRow = await findDeviceRow(db, { id: input.deviceId });
  if (!device.asset_id || !device.tenant_id) throw AppError.conflict(`device ${device.reference} is not linked to an asset`);
  const assetId = device.asset_id;
  await db.device.update({ where: { id: device.id }, data: { assetId: null, linkMeasures: [] } });
  await writeHistory(db, {
    tenantId: device.tenant_id,
    assetId,
    event: "unlink",
    details: { deviceId: device.id, model: device.model, reference: device.reference },
    actor,
  });
  emitAfterCommit(db, "device.unlinked", { deviceId: device.id, assetId, tenantId: device.tenant_id });
  return { deviceId: device.id, assetId };
}
