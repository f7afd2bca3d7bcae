import type { TenantDb } from "@iot/db";
import type { TEventRefParsed } from "./event-ref";
import type { TPayload } from "./evaluate";

// Trigger payloads from events: the twins loaded (two queries for a whole batch) and laid
// out as conditions and templates see them.

interface TwinRow {
  id: string;
  model: string;
  reference: string;
  metadata: Record<string, unknown>;
}

const twinView = (kind: "asset" | "device", t: TwinRow) => ({
  kind,
  id: t.id,
  model: t.model,
  reference: t.reference,
  metadata: t.metadata,
});

/** Each event's payload, as conditions and templates see it, with its twins loaded. */
export async function buildPayloads(db: TenantDb, events: TEventRefParsed[]): Promise<TPayload[]> {
  const deviceIds = [...new Set(events.flatMap((e) => (e.deviceId ? [e.deviceId] : [])))];
  const assetIds = [...new Set(events.flatMap((e) => (e.assetId ? [e.assetId] : [])))];
  const devices = deviceIds.length
    ? await db.$queryRaw<TwinRow[]>`SELECT id, model, reference, metadata FROM devices WHERE id = ANY(${deviceIds}::uuid[])`
    : [];
  const assets = assetIds.length
    ? await db.$queryRaw<TwinRow[]>`SELECT id, model, reference, metadata FROM assets WHERE id = ANY(${assetIds}::uuid[])`
    : [];
  const deviceById = new Map(devices.map((d) => [d.id, twinView("device", d)]));
  const assetById = new Map(assets.map((a) => [a.id, twinView("asset", a)]));
  return events.map((e) => {
    const device = e.deviceId ? (deviceById.get(e.deviceId) ?? null) : null;
    const asset = e.assetId ? (assetById.get(e.assetId) ?? null) : null;
    const twin = asset ?? device;
    return {
      ...e.data,
      event: e.event,
      at: e.at,
      ...(twin || e.deviceId || e.assetId ? { twin, device, asset } : {}),
      ...(e.measure ? { measure: e.measure } : {}),
      ...(e.depth ? { depth: e.depth } : {}),
    };
  });
}
