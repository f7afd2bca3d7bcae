import { describe, expect, it } from "vitest";
import type { LivePoint } from "../live-hub";
import type { MapColumns } from "../types";
import { foldLive, markersOf, SEVERITY_COLORS, worldBox } from "./map-markers";

const columns: MapColumns = {
  ids: ["a", "b", "c"],
  kinds: ["asset", "asset", "device"],
  references: ["north", "south", "tracker"],
  lat: [48.8, -33.9, 45.7],
  lon: [2.3, 18.4, 4.8],
  values: [7.5, 31, null],
  severities: [3, 0, 1],
  truncated: false,
};
const point = (twinId: string, key: string, values: Record<string, unknown>): LivePoint => ({
  kind: "asset",
  twinId,
  key,
  measuredAt: new Date(),
  values,
});

describe("map markers", () => {
  it("colour by the worst active alert, or by a measure's thresholds (grey without a value)", () => {
    expect(markersOf(columns, {}, {}).map((m) => m.color)).toEqual([SEVERITY_COLORS[3], SEVERITY_COLORS[0], SEVERITY_COLORS[1]]);
    const byTemperature = {
      colorBy: {
        kind: "measure" as const,
        measure: "temperature",
        field: "temperature",
        thresholds: [
          { value: 25, color: "#ff0000" },
          { value: 5, color: "#00ff00" },
        ],
      },
    };
    expect(markersOf(columns, byTemperature, {}).map((m) => m.color)).toEqual(["#00ff00", "#ff0000", "#9ca3af"]);
  });

  it("live measures move a shown twin and recolour it; other twins and other measures change nothing", () => {
    const settings = {
      colorBy: {
        kind: "measure" as const,
        measure: "temperature",
        field: "temperature",
        thresholds: [{ value: 30, color: "#ff0000" }],
      },
    };
    const shown = new Set(columns.ids);
    const before = {};
    const same = foldLive(
      before,
      [point("zzz", "position", { position: { lat: 1, lon: 1 } }), point("a", "battery", { battery: 3 })],
      settings,
      shown,
    );
    expect(same).toBe(before);
    const overlay = foldLive(
      before,
      [point("a", "position", { position: { lat: 50, lon: 3 } }), point("a", "temperature", { temperature: 35 })],
      settings,
      shown,
    );
    const [north] = markersOf(columns, settings, overlay);
    expect(north).toMatchObject({ lat: 50, lon: 3, color: "#ff0000" });
    // a position that is not numbers is ignored
    expect(foldLive(before, [point("b", "position", { position: { lat: "x", lon: 1 } })], settings, shown)).toBe(before);
  });

  it("folds a view that crosses the antimeridian or spans the world into one world", () => {
    expect(worldBox(-400, -100, 400, 100)).toEqual([-180, -90, 180, 90]);
    expect(worldBox(170, 10, 190, 20)).toEqual([170, 10, -170, 20]);
    expect(worldBox(-10, 40, 10, 50)).toEqual([-10, 40, 10, 50]);
  });
});
