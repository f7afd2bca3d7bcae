import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { assertTemplates, checkTemplates, renderArgs, renderTemplate, scanTemplates } from "./templates";

const context = {
  asset: { id: "a1", metadata: { name: "Cold room 2", floor: 0, tags: ["food", "cold"], open: false } },
  measure: {
    type: "temperature",
    measuredAt: new Date("2025-06-01T12:00:00Z"),
    values: { temperature: 9.5, position: { lat: 45.76, lon: 4.84 } },
    slot: null,
  },
};

const KNOWN = ["asset.id", "asset.metadata", "measure.type", "measure.measuredAt", "measure.values", "measure.slot"];
const known = (path: string) => KNOWN.some((k) => path === k || path.startsWith(`${k}.`));

describe("renderTemplate", () => {
  it("puts values in: text as is, numbers and booleans as text, objects as JSON, dates as ISO", () => {
    expect(renderTemplate("{{asset.metadata.name}} is at {{measure.values.temperature}} °C", context)).toBe(
      "Cold room 2 is at 9.5 °C",
    );
    expect(renderTemplate("floor {{asset.metadata.floor}}, open {{asset.metadata.open}}", context)).toBe("floor 0, open false");
    expect(renderTemplate("at {{ measure.values.position }}", context)).toBe('at {"lat":45.76,"lon":4.84}');
    expect(renderTemplate("{{asset.metadata.tags}} / {{asset.metadata.tags.1}}", context)).toBe('["food","cold"] / cold');
    expect(renderTemplate("{{measure.measuredAt}}", context)).toBe("2025-06-01T12:00:00.000Z");
  });

  it("renders missing and null values as empty text", () => {
    expect(renderTemplate("[{{asset.metadata.owner}}][{{measure.slot}}][{{nothing.at.all}}]", context)).toBe("[][][]");
    expect(renderTemplate("{{asset.constructor}}{{measure.measuredAt.getTime}}", context)).toBe("");
  });

  it("keeps text without templates, JSON braces, and malformed templates as they are", () => {
    expect(renderTemplate("plain", context)).toBe("plain");
    expect(renderTemplate('{"t": {{measure.values.temperature}}}', context)).toBe('{"t": 9.5}');
    expect(renderTemplate('{"a": {"b": 1}}', context)).toBe('{"a": {"b": 1}}');
    expect(renderTemplate("{{not a path}} {{measure.type}} {{unclosed", context)).toBe("{{not a path}} temperature {{unclosed");
  });
});

describe("renderArgs", () => {
  it("renders every string of nested args, leaving keys and other values alone", () => {
    const args = {
      url: "https://example.com/assets/{{asset.id}}",
      retries: 3,
      enabled: true,
      headers: { "x-{{asset.id}}": "{{measure.type}}" },
      body: { lines: ["{{asset.metadata.name}}", { t: "{{measure.values.temperature}}" }], none: null },
    };
    expect(renderArgs(args, context)).toEqual({
      url: "https://example.com/assets/a1",
      retries: 3,
      enabled: true,
      headers: { "x-{{asset.id}}": "temperature" },
      body: { lines: ["Cold room 2", { t: 9.5 }], none: null },
    });
    // a template alone keeps its value's type; with text around it, it becomes text
    expect(renderArgs({ t: "{{measure.values.temperature}}", s: "t={{measure.values.temperature}}" }, context)).toEqual({
      t: 9.5,
      s: "t=9.5",
    });
    expect(args.url).toBe("https://example.com/assets/{{asset.id}}"); // not changed in place
    expect(renderArgs("{{asset.id}}", context)).toBe("a1");
  });
});

describe("checkTemplates", () => {
  it("passes args whose templates all name known values", () => {
    expect(checkTemplates({ message: "{{asset.metadata.name}}: {{ measure.values.temperature }}", n: 1 }, known)).toEqual([]);
    expect(checkTemplates({ body: '{"a": {"b": 1}}' }, known)).toEqual([]);
  });

  it("lists unknown paths and malformed braces with where they are in args", () => {
    expect(
      checkTemplates(
        {
          message: "{{asset.metadata.name}} {{device.reference}}",
          body: { lines: ["ok", "{{measure.values.temperature", "{{ }}"], deep: { x: "{{a b}} and {{{measure.type}}}" } },
        },
        known,
      ),
    ).toEqual([
      { path: "message", template: "{{device.reference}}", message: "unknown value device.reference" },
      { path: "body.lines.1", template: "{{measure.values.temperature", message: "opens {{ without a closing }}" },
      { path: "body.lines.2", template: "{{ }}", message: expect.stringMatching(/dotted path/) },
      { path: "body.deep.x", template: "{{a b}}", message: expect.stringMatching(/dotted path/) },
      { path: "body.deep.x", template: "{{{measure.type}}", message: expect.stringMatching(/dotted path/) },
    ]);
    expect(checkTemplates("{{x}}", known)).toEqual([{ path: "", template: "{{x}}", message: "unknown value x" }]);
    expect(checkTemplates(["{{a.b.c.d.e.f.g.h.i}}"], () => true)[0]).toMatchObject({ path: "0" });
  });

  it("scans what the renderer renders", () => {
    expect(scanTemplates("a {{x.y}} b {{ z }}").map((t) => t.path)).toEqual(["x.y", "z"]);
  });

  it("refuses with BAD_REQUEST naming the field", () => {
    expect(() => assertTemplates({ message: "{{asset.id}}" }, known, "steps.0.args")).not.toThrow();
    let error: unknown;
    try {
      assertTemplates({ message: "hi {{devise.id}}" }, known, "steps.2.args");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      details: { issues: [{ path: "steps.2.args.message", message: "{{devise.id}}: unknown value devise.id" }] },
    });
  });
});
