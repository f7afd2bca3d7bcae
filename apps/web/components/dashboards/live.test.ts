import { describe, expect, it } from "vitest";
import { ANY_TWIN, LiveHub, type LivePoint } from "./live-hub";

const measure = (deviceId: string, assetId: string | null, name: string, slot: string | null, value: number) => ({
  deviceId,
  assetId,
  name,
  slot,
  measuredAt: new Date(1_700_000_000_000 + value).toISOString(),
  values: { temperature: value },
});

describe("the dashboard's live hub", () => {
  it("hands each listener the batch's measures of its twin in one call: devices by name, assets by slot", () => {
    const hub = new LiveHub();
    const calls: Record<string, LivePoint[][]> = { device: [], asset: [], any: [], other: [] };
    hub.on("device:d1", (p) => calls.device?.push(p));
    hub.on("asset:a1", (p) => calls.asset?.push(p));
    hub.on(ANY_TWIN, (p) => calls.any?.push(p));
    const off = hub.on("device:d2", (p) => calls.other?.push(p));
    off();
    hub.publish([
      measure("d1", "a1", "temp", "inside", 1),
      measure("d1", null, "temp", null, 2),
      measure("d2", "a1", "t", null, 3),
    ]);
    expect(calls.device).toHaveLength(1);
    expect(calls.device?.[0]?.map((p) => [p.key, p.values.temperature])).toEqual([
      ["temp", 1],
      ["temp", 2],
    ]);
    // the asset gets only measures mapped to one of its slots, under the slot's name
    expect(calls.asset?.[0]?.map((p) => [p.kind, p.twinId, p.key])).toEqual([["asset", "a1", "inside"]]);
    expect(calls.any?.[0]).toHaveLength(4);
    expect(calls.other).toEqual([]);
  });
});
