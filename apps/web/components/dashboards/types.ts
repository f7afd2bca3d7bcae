import type { AppRouter } from "@iot/api";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
export type Dashboard = Outputs["dashboards"]["get"];
export type WidgetTypeInfo = Outputs["dashboards"]["widgetTypes"][number];
/** A map widget's markers as the server sends them: columns, one entry per twin. */
export type MapColumns = Outputs["dashboards"]["mapPoints"];

export type Place = { x: number; y: number; w: number; h: number };
export interface Widget {
  id: string;
  type: string;
  title: string;
  settings: unknown;
  layout: Place;
  smallLayout?: Place | undefined;
}
export interface Variable {
  name: string;
  label: string;
  kind: "asset" | "device";
  model?: string | undefined;
  default?: string | undefined;
}
export type TimeRange = { relative: Relative } | { from: Date | string; to: Date | string };
export type Refresh = { mode: "live" } | { mode: "interval"; seconds: number } | { mode: "off" };

/** What the editor edits and dashboards.update stores. */
export interface DashboardDoc {
  title: string;
  description: string;
  icon: string;
  widgets: Widget[];
  variables: Variable[];
  timeRange: TimeRange;
  refresh: Refresh;
  viewProfiles: string[];
  editProfiles: string[];
  assetModel: string | null;
}

export const RELATIVES = ["15m", "1h", "6h", "24h", "7d", "30d", "365d"] as const;
export type Relative = (typeof RELATIVES)[number];
const MINUTE = 60_000;
export const RELATIVE_MS: Record<Relative, number> = {
  "15m": 15 * MINUTE,
  "1h": 60 * MINUTE,
  "6h": 360 * MINUTE,
  "24h": 1440 * MINUTE,
  "7d": 7 * 1440 * MINUTE,
  "30d": 30 * 1440 * MINUTE,
  "365d": 365 * 1440 * MINUTE,
};

export const GRID_COLUMNS = 12;
/** Columns of the grid below 768px, where widgets take their `smallLayout`. */
export const SMALL_GRID_COLUMNS = 4;
export const ROW_HEIGHT = 80;
/** Pixels between widgets, across and down. */
export const GRID_GAP = 12;

export function toDoc(d: Dashboard): DashboardDoc {
  return {
    title: d.title,
    description: d.description,
    icon: d.icon,
    widgets: d.widgets.map((w) => ({
      id: w.id,
      type: w.type,
      title: w.title,
      settings: w.settings,
      layout: w.layout,
      ...(w.smallLayout ? { smallLayout: w.smallLayout } : {}),
    })),
    variables: d.variables.map((v) => ({ ...v })),
    timeRange: d.timeRange,
    refresh: d.refresh,
    viewProfiles: d.viewProfiles,
    editProfiles: d.editProfiles,
    assetModel: d.assetModel,
  };
}

/** A widget's data source, as its settings hold it. */
export type Source = { twin: { kind: "asset" | "device"; model: string; reference: string } } | { variable: string };
export type TwinRef = { kind: "asset" | "device"; model: string; reference: string };
/** The twin each variable holds now. */
export type Picked = Record<string, { model: string; reference: string } | undefined>;
export type Threshold = { value: number; color: string; label?: string };

/** A twin's key among those a dashboard names. */
export const refKey = (t: TwinRef) => `${t.kind}/${t.model}/${t.reference}`;

/** The twin a source names: a fixed one, or the reference the variable currently holds. */
export function resolveSource(source: Source | undefined, variables: Variable[], picked: Picked): TwinRef | null {
  if (!source || typeof source !== "object") return null;
  if ("twin" in source) return source.twin?.reference && source.twin.model ? source.twin : null;
  const v = variables.find((x) => x.name === source.variable);
  const held = v ? picked[v.name] : undefined;
  return v && held ? { kind: v.kind, ...held } : null;
}

/** The colour of the highest threshold the value reaches. */
export function thresholdColor(value: number, thresholds: Threshold[] | undefined): string | undefined {
  let color: string | undefined;
  for (const t of [...(thresholds ?? [])].sort((a, b) => a.value - b.value)) if (value >= t.value) color = t.color;
  return color;
}

export function rangeOf(range: TimeRange, now: number): { from: Date; to: Date } {
  if ("relative" in range) return { from: new Date(now - RELATIVE_MS[range.relative]), to: new Date(now) };
  return { from: new Date(range.from), to: new Date(range.to) };
}

export function nextWidgetId(widgets: Widget[], type: string): string {
  let n = 1;
  while (widgets.some((w) => w.id === `${type}-${n}`)) n++;
  return `${type}-${n}`;
}
