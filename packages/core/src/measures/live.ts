import type { THandOff } from "../payloads/pipeline";

// Live measures: after the pipeline stores a job's measures it publishes, per tenant, one
// message on the tenant's Redis channel; web processes subscribe and fan them out to the
// console (so any number of web processes see every measure, and only their tenant's).

export const liveChannel = (tenantId: string) => `iot:live:measures:${tenantId}`;

export interface TLiveMeasures {
  tenantId: string;
  devices: {
    id: string;
    reference: string;
    model: string;
    assetId: string | null;
    measures: { name: string; slot: string | null; type: string; measuredAt: string; values: Record<string, unknown> }[];
  }[];
}

export function liveMessage(batch: THandOff): TLiveMeasures {
  return {
    tenantId: batch.tenantId,
    devices: batch.devices.map((d) => ({
      id: d.id,
      reference: d.reference,
      model: d.model,
      assetId: d.assetId,
      measures: d.measures.map((m) => ({
        name: m.name,
        slot: m.slot,
        type: m.type,
        measuredAt: m.measuredAt.toISOString(),
        values: m.values,
      })),
    })),
  };
}

/** What a subscriber follows: a device, an asset, or (neither) the whole tenant. */
export interface TLiveTarget {
  deviceId?: string;
  assetId?: string;
}

/** One live measure as a subscriber sees it: `key` is the asset slot for an asset, else the device's name. */
export interface TLiveMeasure {
  deviceId: string;
  reference: string;
  assetId: string | null;
  key: string;
  name: string;
  slot: string | null;
  type: string;
  measuredAt: string;
  values: Record<string, unknown>;
}

/** The measures of a message the target follows. */
export function liveMeasuresFor(message: TLiveMeasures, target: TLiveTarget): TLiveMeasure[] {
  const out: TLiveMeasure[] = [];
  for (const d of message.devices) {
    if (target.deviceId && d.id !== target.deviceId) continue;
    if (target.assetId && d.assetId !== target.assetId) continue;
    for (const m of d.measures) {
      if (target.assetId && m.slot === null) continue;
      out.push({
        deviceId: d.id,
        reference: d.reference,
        assetId: d.assetId,
        key: target.assetId ? (m.slot as string) : m.name,
        name: m.name,
        slot: m.slot,
        type: m.type,
        measuredAt: m.measuredAt,
        values: m.values,
      });
    }
  }
  return out;
}
