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
