import { z } from "zod";
import { variableRefs, WIDGET_TYPE_NAMES, WIDGET_TYPES, type TWidgetType } from "./widgets";

// A dashboard as users write it, checked whole when saved or imported: each widget's
// settings by its type, grid places inside the grid, variables that exist, a time range and
// a refresh mode; every error names its field (`widgets.2.settings.series.0.field`).

export const GRID_COLUMNS = 12;
export const SMALL_GRID_COLUMNS = 4;
export const RELATIVE_RANGES = ["15m", "1h", "6h", "24h", "7d", "30d", "365d"] as const;

const ZName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, "must be a name: letters, digits, _ and -");

const place = (columns: number) =>
  z
    .object({
      x: z
        .number()
        .int()
        .min(0)
        .max(columns - 1),
      y: z.number().int().min(0).max(1000),
      w: z.number().int().min(1).max(columns),
      h: z.number().int().min(1).max(50),
    })
    .strict()
    .refine((p) => p.x + p.w <= columns, { message: `x + w must be ${columns} at most (the grid's width)`, path: ["w"] });

const ZWidget = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "must be an id of letters, digits, _ and -"),
    type: z.string(),
    title: z.string().max(120).default(""),
    settings: z.unknown().default({}),
    layout: place(GRID_COLUMNS),
    /** Its place on small screens; stacked in order when not given. */
    smallLayout: place(SMALL_GRID_COLUMNS).optional(),
  })
  .strict();

const ZVariable = z
  .object({
    name: ZName,
    label: z.string().max(60).default(""),
    kind: z.enum(["asset", "device"]),
    model: ZName.optional(),
    /** The twin's reference picked when the dashboard opens. */
    default: z.string().max(128).optional(),
  })
  .strict();

const ZTimeRange = z.union(
  [
    z.object({ relative: z.enum(RELATIVE_RANGES, { error: `must be one of ${RELATIVE_RANGES.join(", ")}` }) }).strict(),
    z
      .object({ from: z.coerce.date(), to: z.coerce.date() })
      .strict()
      .refine((r) => r.from < r.to, { message: "from must be before to", path: ["to"] }),
  ],
  { error: 'must be { relative: "24h" } or { from, to }' },
);

const ZRefresh = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("live") }).strict(),
    z.object({ mode: z.literal("interval"), seconds: z.number().int().min(5).max(3600) }).strict(),
    z.object({ mode: z.literal("off") }).strict(),
  ],
  { error: 'mode must be "live", "interval" or "off"' },
);

const ZProfiles = z.array(z.string().min(1).max(40)).max(20).default([]);

export const ZDashboardDocument = z
  .object({
    title: z.string().trim().min(1, "give the dashboard a title").max(120),
    description: z.string().max(2000).default(""),
    icon: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, "must be an icon name such as layout-dashboard")
      .default("layout-dashboard"),
    widgets: z.array(ZWidget).max(50).default([]),
    variables: z.array(ZVariable).max(10).default([]),
    timeRange: ZTimeRange.default({ relative: "24h" }),
    refresh: ZRefresh.default({ mode: "live" }),
    /** Profiles that may see it (empty: every member with dashboards:read). */
    viewProfiles: ZProfiles,
    /** Profiles that may change it (empty: every member with dashboards:write). */
    editProfiles: ZProfiles,
    /** Bound to an asset model: shown on each asset of the model, the asset as its `asset` variable. */
    assetModel: ZName.nullable().default(null),
  })
  .strict()
  .transform((d) => {
    // a bound dashboard's asset variable is the asset being viewed
    const model = d.assetModel;
    if (!model || d.variables.some((v) => v.kind === "asset" && v.model === model)) return d;
    const named = d.variables.findIndex((v) => v.name === "asset" && v.kind === "asset");
    if (named >= 0) return { ...d, variables: d.variables.map((v, i) => (i === named ? { ...v, model } : v)) };
    return { ...d, variables: [{ name: "asset", label: "Asset", kind: "asset" as const, model }, ...d.variables] };
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    d.variables.forEach((v, i) => {
      if (names.has(v.name))
        ctx.addIssue({ code: "custom", path: ["variables", i, "name"], message: `${v.name} is given twice` });
      names.add(v.name);
    });
    d.widgets.forEach((w, i) => {
      if (ids.has(w.id)) ctx.addIssue({ code: "custom", path: ["widgets", i, "id"], message: `${w.id} is given twice` });
      ids.add(w.id);
      if (!(WIDGET_TYPE_NAMES as string[]).includes(w.type)) {
        ctx.addIssue({ code: "custom", path: ["widgets", i, "type"], message: `must be one of ${WIDGET_TYPE_NAMES.join(", ")}` });
        return;
      }
      const parsed = WIDGET_TYPES[w.type as TWidgetType].settings.safeParse(w.settings);
      if (!parsed.success)
        for (const issue of parsed.error.issues)
          ctx.addIssue({
            code: "custom",
            path: ["widgets", i, "settings", ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
            message: issue.message,
          });
      for (const ref of variableRefs(w.settings))
        if (!names.has(ref.name))
          ctx.addIssue({
            code: "custom",
            path: ["widgets", i, "settings", ...ref.path],
            message: `no variable named ${ref.name}`,
          });
    });
  });

export type TDashboardDocument = z.output<typeof ZDashboardDocument>;
export type TDashboardDocumentInput = z.input<typeof ZDashboardDocument>;

/** The document with each widget's settings defaults filled in (what is stored). */
export function withSettingsDefaults(d: TDashboardDocument): TDashboardDocument {
  return {
    ...d,
    widgets: d.widgets.map((w) => ({ ...w, settings: WIDGET_TYPES[w.type as TWidgetType].settings.parse(w.settings) })),
  };
}
