import { describe, expect, it } from "vitest";
import type { TCondition } from "./conditions";
import { candidates, requiredKeys, type TIndexedRule, type TRuleIndex } from "./rule-index";

const rule = (id: string, condition: TCondition | null, models: string[] = []): TIndexedRule => ({
  id,
  name: id,
  version: 1,
  trigger: { type: "event", event: "measures.processed", models },
  models,
  steps: [],
  ownerId: null,
  condition,
  holdsForSeconds: 0,
  autoClear: false,
  stateful: false,
});

/** An index as ruleIndex builds it, without the database. */
function indexOf(rules: TIndexedRule[]): TRuleIndex {
  const entry = {
    any: [] as TIndexedRule[],
    byModel: new Map<string, TIndexedRule[]>(),
    byKey: new Map<string, TIndexedRule[]>(),
  };
  for (const r of rules) {
    const keys = requiredKeys(r.condition);
    if (keys) for (const k of keys) entry.byKey.set(k, [...(entry.byKey.get(k) ?? []), r]);
    else if (r.models.length) for (const m of r.models) entry.byModel.set(m, [...(entry.byModel.get(m) ?? []), r]);
    else entry.any.push(r);
  }
  return { stamp: "", version: null, count: rules.length, byEvent: new Map([["measures.processed", entry]]), byId: new Map() };
}

const event = (device: string, model = "Sensor", asset: { id: string; model: string } | null = null) => ({
  event: "measures.processed",
  device: { kind: "device", id: `id-${device}`, model, reference: device, metadata: {} },
  asset: asset ? { kind: "asset", ...asset, reference: asset.id, metadata: {} } : null,
  twin: null,
});

describe("rule index", () => {
  it("keys a rule by the twin equality its condition requires, at its top or in a top-level all", () => {
    expect(requiredKeys({ field: "device.reference", op: "eq", value: "d1" })).toEqual(["device.reference=d1"]);
    expect(
      requiredKeys({
        all: [
          { field: "measure.values.temperature", op: "gt", value: 30 },
          { field: "device.reference", op: "eq", value: "d1" },
          { field: "asset.id", op: "in", value: ["a1", "a2"] },
        ],
      }),
    ).toEqual(["asset.id=a1", "asset.id=a2"]); // ids before references
    // not required: under any / not, or not an equality on text
    expect(requiredKeys({ any: [{ field: "device.reference", op: "eq", value: "d1" }] })).toBeNull();
    expect(requiredKeys({ not: { field: "device.reference", op: "eq", value: "d1" } })).toBeNull();
    expect(requiredKeys({ field: "device.reference", op: "ne", value: "d1" })).toBeNull();
    expect(requiredKeys(null)).toBeNull();
  });

  it("gives an event the rules for every twin, for its models and for its twins' keys only", () => {
    const everyTwin = rule("every", { field: "measure.values.temperature", op: "gt", value: 30 });
    const sensors = rule("sensors", null, ["Sensor"]);
    const trackers = rule("trackers", null, ["Tracker"]);
    const perDevice = Array.from({ length: 1000 }, (_, i) =>
      rule(`d${i}`, { field: "device.reference", op: "eq", value: `d${i}` }),
    );
    const roomOnly = rule("room", { all: [{ field: "asset.id", op: "eq", value: "room-1" }] }, ["Room"]);
    const index = indexOf([everyTwin, sensors, trackers, ...perDevice, roomOnly]);

    expect(candidates(index, "measures.processed", event("d7")).map((r) => r.id)).toEqual(["every", "sensors", "d7"]);
    expect(candidates(index, "measures.processed", event("d7", "Tracker")).map((r) => r.id)).toEqual(["every", "trackers", "d7"]);
    // a keyed rule with models needs one of them too
    expect(
      candidates(index, "measures.processed", event("x", "Sensor", { id: "room-1", model: "Room" })).map((r) => r.id),
    ).toContain("room");
    expect(
      candidates(index, "measures.processed", event("x", "Sensor", { id: "room-1", model: "Hall" })).map((r) => r.id),
    ).not.toContain("room");
    expect(candidates(index, "device.linked", event("d7"))).toEqual([]);
  });
});
