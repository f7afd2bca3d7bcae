import { listWidgetTypes } from "@iot/core";
import { describe, expect, it } from "vitest";
import {
  errorsAt,
  humanize,
  initialValue,
  type Schema,
  switchVariant,
  variantIndex,
  variantLabel,
  variantsOf,
} from "./settings-schema";

// The settings form reads the server's own schemas: these tests use them, not copies.
const schemaOf = (type: string) => {
  const found = listWidgetTypes().find((t) => t.type === type);
  if (!found) throw new Error(`no widget type ${type}`);
  return found.settingsSchema as Schema;
};
const prop = (s: Schema, ...path: string[]) =>
  path.reduce<Schema>((at, key) => (key === "[]" ? (at.items as Schema) : (at.properties?.[key] as Schema)), s);

describe("the settings form's reading of a widget schema", () => {
  it("names settings for people", () => {
    expect(humanize("pageSize")).toBe("Page size");
    expect(humanize("tileUrl")).toBe("Tile URL");
    expect(humanize("colorBy")).toBe("Color by");
  });

  it("starts a new chart series with its required parts, on the first source branch", () => {
    const series = prop(schemaOf("chart"), "series", "[]");
    expect(initialValue(series)).toEqual({
      source: { twin: { kind: "asset", model: "", reference: "" } },
      measure: "",
      field: "",
    });
  });

  it("tells which branch a table column or a source is on, and names the branches", () => {
    const column = prop(schemaOf("table"), "columns", "[]");
    expect(variantsOf(column).map(variantLabel)).toEqual(["Reference", "Model", "Metadata", "Measure"]);
    expect(variantIndex(column, { kind: "metadata", field: "floor" })).toBe(2);
    expect(variantIndex(column, { kind: "measure", measure: "t", field: "v" })).toBe(3);
    const source = prop(schemaOf("value"), "source");
    expect(variantsOf(source).map(variantLabel)).toEqual(["A twin", "A dashboard variable"]);
    expect(variantIndex(source, { variable: "room" })).toBe(1);
    expect(variantIndex(source, { twin: { kind: "device", model: "M", reference: "r" } })).toBe(0);
    expect(variantIndex(source, { nothing: true })).toBe(-1);
  });

  it("switches a column to another kind keeping its label, and a map's colouring to a measure", () => {
    const column = prop(schemaOf("table"), "columns", "[]");
    expect(switchVariant(column, { kind: "reference", label: "Ref" }, 3)).toEqual({
      kind: "measure",
      measure: "",
      field: "",
      label: "Ref",
    });
    const colorBy = prop(schemaOf("map"), "colorBy");
    expect(variantIndex(colorBy, undefined)).toBe(-1);
    expect(variantIndex(colorBy, { kind: "alerts" })).toBe(0);
    expect(variantIndex(column, { kind: "chart" })).toBe(-1);
    expect(switchVariant(colorBy, { kind: "alerts" }, 1)).toEqual({ kind: "measure", measure: "", field: "" });
  });

  it("starts a threshold with a valid colour", () => {
    expect(initialValue(prop(schemaOf("value"), "thresholds", "[]"))).toEqual({ value: 0, color: "#dc2626" });
  });

  it("puts the server's messages at the setting they name", () => {
    const errors = { "series.0.field": "must be a value field", "series.1.measure": "required" };
    expect(errorsAt(errors, "series.0.field")).toBe("must be a value field");
    expect(errorsAt(errors, "series")).toBeUndefined();
    expect(errorsAt(errors, "series", true)).toBe("0.field: must be a value field; 1.measure: required");
  });
});
