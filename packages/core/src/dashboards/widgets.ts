import { z } from "zod";

// The widget types of dashboards, each a settings schema (checked when a dashboard is
// saved or imported; the console draws its form from the JSON Schema). A widget's data
// comes from twins named by model and reference (portable across tenants: an exported
// dashboard imports where the same twins exist) or from a dashboard variable.

const ZName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, "must be a name: letters, digits, _ and -");
const ZColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a colour such as #3b82f6");
const ZField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, "must be a value field such as temperature");

/** A twin by its model and reference (an exported dashboard imports where the same twins exist). */
const ZTwinRef = z.object({ kind: z.enum(["asset", "device"]), model: ZName, reference: z.string().min(1).max(128) }).strict();

/** Where a widget's data comes from: one twin, or the twin a variable holds. */
export const ZSource = z.union(
  [
    z
      .object({
        twin: ZTwinRef,
      })
      .strict()
      .meta({ title: "A twin" }),
    z.object({ variable: ZName }).strict().meta({ title: "A dashboard variable" }),
  ],
  { error: "must be { twin: { kind, model, reference } } or { variable: name }" },
);
export type TSource = z.output<typeof ZSource>;

const ZThresholds = z
  .array(z.object({ value: z.number().refine(Number.isFinite), color: ZColor, label: z.string().max(60).optional() }).strict())
  .max(10)
  .default([]);

const ZSeries = z
  .object({
    source: ZSource,
    /** The measure: a device's measure name or an asset's slot. */
    measure: ZName.meta({ description: "a device's measure name, or an asset's measure slot" }),
    field: ZField.meta({ description: "the value drawn, such as temperature" }),
    label: z.string().max(60).optional(),
    color: ZColor.optional(),
  })
  .strict();

const ZTwinsOf = z.enum(["assets", "devices"]);

export const WIDGET_TYPES = {
  chart: {
    label: "Chart",
    settings: z
      .object({
        kind: z.enum(["line", "area", "bar"]).default("line"),
        series: z.array(ZSeries).min(1, "give at least one series").max(10),
        thresholds: ZThresholds,
      })
      .strict(),
  },
  table: {
    label: "Table",
    settings: z
      .object({
        of: ZTwinsOf.default("assets"),
        model: ZName.optional(),
        columns: z
          .array(
            z.discriminatedUnion("kind", [
              z.object({ kind: z.literal("reference"), label: z.string().max(60).optional() }).strict(),
              z.object({ kind: z.literal("model"), label: z.string().max(60).optional() }).strict(),
              z.object({ kind: z.literal("metadata"), field: ZName, label: z.string().max(60).optional() }).strict(),
              z
                .object({ kind: z.literal("measure"), measure: ZName, field: ZField, label: z.string().max(60).optional() })
                .strict(),
            ]),
          )
          .min(1, "give at least one column")
          .max(20),
        sort: z
          .object({ column: z.number().int().min(0), direction: z.enum(["asc", "desc"]).default("asc") })
          .strict()
          .optional(),
        pageSize: z.number().int().min(5).max(100).default(20),
        filter: z.string().max(200).optional(),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (s.sort && s.sort.column >= s.columns.length)
          ctx.addIssue({ code: "custom", path: ["sort", "column"], message: `there are ${s.columns.length} columns` });
      }),
  },
  map: {
    label: "Map",
    settings: z
      .object({
        of: z.enum(["assets", "devices", "both"]).default("assets"),
        model: ZName.optional(),
        position: z.object({ measure: ZName, field: ZField }).strict().default({ measure: "position", field: "position" }),
        colorBy: z
          .union([
            z
              .object({ kind: z.literal("alerts") })
              .strict()
              .meta({ title: "Alert state" }),
            z
              .object({ kind: z.literal("measure"), measure: ZName, field: ZField, thresholds: ZThresholds })
              .strict()
              .meta({ title: "A measure's thresholds" }),
          ])
          .default({ kind: "alerts" }),
        /** Tiles, e.g. https://tile.example/{z}/{x}/{y}.png; without reachable tiles the markers still show. */
        tileUrl: z
          .string()
          .max(500)
          .refine((u) => /^https?:\/\//.test(u) && u.includes("{z}") && u.includes("{x}") && u.includes("{y}"), {
            message: "must be an http(s) URL with {z}, {x} and {y}",
          })
          .optional()
          .meta({ description: "https://…/{z}/{x}/{y}.png; without tiles the markers still show" }),
        cluster: z.boolean().default(true),
      })
      .strict(),
  },
  value: {
    label: "Value",
    settings: z
      .object({
        source: ZSource,
        measure: ZName,
        field: ZField,
        unit: z.string().max(12).optional(),
        decimals: z.number().int().min(0).max(6).default(1),
        trend: z.boolean().default(true),
        thresholds: ZThresholds,
      })
      .strict(),
  },
  gauge: {
    label: "Gauge",
    settings: z
      .object({
        source: ZSource,
        measure: ZName,
        field: ZField,
        min: z.number().refine(Number.isFinite),
        max: z.number().refine(Number.isFinite),
        unit: z.string().max(12).optional(),
        decimals: z.number().int().min(0).max(6).default(1),
        trend: z.boolean().default(true),
        thresholds: ZThresholds,
      })
      .strict()
      .refine((g) => g.max > g.min, { message: "max must be above min", path: ["max"] }),
  },
  alerts: {
    label: "Alerts",
    settings: z
      .object({
        severity: z
          .array(z.enum(["info", "warning", "critical"]))
          .max(3)
          .default([]),
        model: ZName.optional(),
        /** Only the alerts of one twin. */
        twin: ZTwinRef.optional().meta({ description: "only the alerts of this twin" }),
        /** Only the alerts of the twin a variable holds. */
        variable: ZName.optional().meta({ description: "only the alerts of the twin this variable holds" }),
        limit: z.number().int().min(1).max(100).default(20),
      })
      .strict()
      .refine((a) => !(a.twin && a.variable), { message: "give a twin or a variable, not both", path: ["variable"] }),
  },
} as const;

export type TWidgetType = keyof typeof WIDGET_TYPES;
export const WIDGET_TYPE_NAMES = Object.keys(WIDGET_TYPES) as TWidgetType[];

export function listWidgetTypes() {
  return WIDGET_TYPE_NAMES.map((type) => ({
    type,
    label: WIDGET_TYPES[type].label,
    settingsSchema: z.toJSONSchema(WIDGET_TYPES[type].settings, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >,
  }));
}

/** The variables a widget's settings refer to, with where. */
export function variableRefs(settings: unknown): { path: (string | number)[]; name: string }[] {
  const refs: { path: (string | number)[]; name: string }[] = [];
  const walk = (value: unknown, at: (string | number)[]) => {
    if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, [...at, i]);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) {
        if (k === "variable" && typeof v === "string") refs.push({ path: [...at, k], name: v });
        else walk(v, [...at, k]);
      }
  };
  walk(settings, []);
  return refs;
}
