import { describe, expect, it } from "vitest";
import { type Catalog, suggestionsFor } from "./settings-suggestions";

const catalog: Catalog = {
  assets: [
    {
      model: "Room",
      measures: [
        { name: "temperature", type: "temperature" },
        { name: "air", type: "co2" },
      ],
      metadata: ["floor", "area"],
    },
    { model: "Truck", measures: [{ name: "position", type: "position" }], metadata: ["plate"] },
  ],
  devices: [
    {
      model: "Elsys",
      measures: [
        { name: "temperature", type: "temperature" },
        { name: "co2", type: "co2" },
      ],
      metadata: [],
    },
  ],
  types: [
    { name: "temperature", fields: ["temperature"] },
    { name: "co2", fields: ["co2"] },
    { name: "position", fields: ["position", "accuracy"] },
  ],
};
const variables = [{ name: "room", label: "Room", kind: "asset" as const, model: "Room" }];

describe("what a widget's text settings offer", () => {
  it("offers a series' twin models by its kind, then its measures and their value fields", () => {
    const chart = {
      series: [{ source: { twin: { kind: "device", model: "Elsys", reference: "" } }, measure: "co2", field: "" }],
    };
    expect(suggestionsFor(catalog, variables, chart, ["series", 0, "source", "twin", "model"])).toEqual(["Elsys"]);
    expect(suggestionsFor(catalog, variables, chart, ["series", 0, "measure"])).toEqual(["co2", "temperature"]);
    expect(suggestionsFor(catalog, variables, chart, ["series", 0, "field"])).toEqual(["co2"]);
  });

  it("reads a variable's model for a value widget", () => {
    const value = { source: { variable: "room" }, measure: "air", field: "" };
    expect(suggestionsFor(catalog, variables, value, ["measure"])).toEqual(["air", "temperature"]);
    expect(suggestionsFor(catalog, variables, value, ["field"])).toEqual(["co2"]);
  });

  it("reads a table's model for its columns: metadata fields, measures and their fields", () => {
    const table = {
      of: "assets",
      model: "Truck",
      columns: [
        { kind: "metadata", field: "" },
        { kind: "measure", measure: "position", field: "" },
      ],
    };
    expect(suggestionsFor(catalog, variables, table, ["model"])).toEqual(["Room", "Truck"]);
    expect(suggestionsFor(catalog, variables, table, ["columns", 0, "field"])).toEqual(["plate"]);
    expect(suggestionsFor(catalog, variables, table, ["columns", 1, "measure"])).toEqual(["position"]);
    expect(suggestionsFor(catalog, variables, table, ["columns", 1, "field"])).toEqual(["accuracy", "position"]);
    expect(suggestionsFor(catalog, variables, { of: "devices" }, ["model"])).toEqual(["Elsys"]);
  });

  it("offers nothing for settings it knows nothing of", () => {
    expect(suggestionsFor(catalog, variables, { unit: "" }, ["unit"])).toEqual([]);
    expect(suggestionsFor(catalog, variables, null, ["model"])).toEqual([]);
  });
});
