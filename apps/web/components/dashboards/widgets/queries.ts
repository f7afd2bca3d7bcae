import type { AppRouter } from "@iot/api";
import { type QueryFunction, type SkipToken, skipToken } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { TRPCOptionsProxy, TRPCQueryKeyWithoutPrefix } from "@trpc/tanstack-react-query";
import { allOf } from "@/lib/twin-filter";
import { resolveSource, type TwinRef, type Widget } from "../types";
import type { AlertsSettings } from "./alerts";
import type { ChartSettings } from "./chart";
import type { WidgetContext } from "./common";
import type { MapSettings } from "./map-markers";
import type { TableSettings } from "./table";

type TableColumn = NonNullable<TableSettings["columns"]>[number];
import type { ValueSettings } from "./value";

// Each widget type's data queries, built by one function used twice: by the widget's hooks
// in the browser, and by the dashboard page on the server, which runs them while it
// renders and sends the answers with the HTML. Built once, their keys cannot drift apart:
// a widget finds what the server fetched instead of asking again.

/** The typed API's query options, in the browser (useTRPC) or on the server (pageApi). */
export type Api = TRPCOptionsProxy<AppRouter>;
/** A twin's id (the `index`th the widget names), from what the page knows (undefined: not known yet). */
export type IdOf = (twin: TwinRef | null, index: number) => string | undefined;

type Outputs = inferRouterOutputs<AppRouter>;
/**
 * A widget's query whose procedure depends on its settings (an asset's or a device's
 * measures): typed by what either answers, so one hook serves both.
 */
export interface WidgetQuery<T> {
  queryKey: TRPCQueryKeyWithoutPrefix;
  queryFn?: QueryFunction<T, TRPCQueryKeyWithoutPrefix, never> | SkipToken;
}
type Either<K extends keyof Outputs["assets"] & keyof Outputs["devices"]> = WidgetQuery<
  Outputs["assets"][K] | Outputs["devices"][K]
>;

/** Pixels of one grid column on a desktop screen: a 12-column dashboard is about 1,200 px wide. */
const COLUMN_PX = 100;

/**
 * How many buckets a chart asks for: one per 3 pixels of its width on a desktop screen,
 * from its grid columns rather than its measured width, so the server can ask for the same
 * before any browser has measured the page. A year of data draws as a few hundred points.
 */
export function chartPoints(columns: number): number {
  return Math.min(1000, Math.max(25, Math.round((columns * COLUMN_PX) / 3 / 25) * 25));
}

type MeasuresInput = { from: Date; to: Date; bucket?: { points: number }; limit?: number; names?: string[] };

/** A twin's measures (buckets, or the newest raw ones), or nothing to ask while the twin or its id is unknown. */
export function measuresQuery(
  api: Api,
  twin: TwinRef | null,
  id: string | undefined,
  input: MeasuresInput | null,
): Either<"getMeasures"> {
  const ready = twin && id && input ? { ...input, id } : null;
  return twin?.kind === "device"
    ? api.devices.getMeasures.queryOptions(ready ? { ...input, deviceId: ready.id } : skipToken)
    : api.assets.getMeasures.queryOptions(ready ? { ...input, assetId: ready.id } : skipToken);
}

/**
 * A chart's series in one query (measures.series): those whose twin, measure and field are
 * known; `slots[i]` is series i's place in the answer (-1: not asked).
 */
export function chartQuery(api: Api, settings: ChartSettings, ctx: WidgetContext, idOf: IdOf, columns: number) {
  const asked: { twin: { assetId: string } | { deviceId: string }; measure: string; field: string }[] = [];
  const slots = (settings.series ?? []).map((s, i) => {
    const twin = resolveSource(s.source, ctx.variables, ctx.picked);
    const id = idOf(twin, i);
    if (!twin || !id || !s.measure || !s.field) return -1;
    asked.push({ twin: twin.kind === "device" ? { deviceId: id } : { assetId: id }, measure: s.measure, field: s.field });
    return asked.length - 1;
  });
  const input = { from: ctx.from, to: ctx.to, points: chartPoints(columns), series: asked };
  return { slots, query: api.measures.series.queryOptions(asked.length ? input : skipToken) };
}

/** A value's or gauge's twin, its last measures, and (for the trend arrow) the two newest of the range. */
export function valueQueries(api: Api, settings: ValueSettings, ctx: WidgetContext, idOf: IdOf) {
  const twin = resolveSource(settings.source, ctx.variables, ctx.picked);
  const id = idOf(twin, 0);
  const wantTrend = settings.trend !== false && Boolean(settings.measure);
  const last: Either<"getLastMeasures"> =
    twin?.kind === "device"
      ? api.devices.getLastMeasures.queryOptions(id ? { deviceId: id } : skipToken)
      : api.assets.getLastMeasures.queryOptions(twin && id ? { assetId: id } : skipToken);
  const recent = { from: ctx.from, to: ctx.to, limit: 2, names: [settings.measure ?? ""] };
  return { twin, id, wantTrend, last, recent: measuresQuery(api, twin, id, wantTrend ? recent : null) };
}

/** What a table column sorts by in twin searches (`metadata.floor`, `measures.temperature.temperature`). */
function sortField(column: TableColumn | undefined): string {
  switch (column?.kind) {
    case "model":
      return "model";
    case "metadata":
      return `metadata.${column.field}`;
    case "measure":
      return `measures.${column.measure}.${column.field}`;
    default:
      return "reference";
  }
}

/** A table's page of twins: its filter, the viewer's sort and search, the page's cursor. */
export function tableQuery(
  api: Api,
  settings: TableSettings,
  view: { sort: TableSettings["sort"]; search: string; cursor: string | undefined },
): Either<"search"> {
  const columns = settings.columns ?? [];
  const sortColumn = view.sort ? columns[view.sort.column] : undefined;
  const filter = allOf([
    ...(settings.model ? [{ model: settings.model }] : []),
    ...(settings.filter ? [{ text: settings.filter }] : []),
    ...(view.search.trim() ? [{ text: view.search.trim() }] : []),
  ]);
  const input = {
    ...(filter ? { filter } : {}),
    sort: { field: sortField(sortColumn), order: view.sort?.direction ?? "asc" } as const,
    limit: settings.pageSize ?? 20,
    withTotal: true,
    ...(view.cursor ? { cursor: view.cursor } : {}),
  };
  return settings.of === "devices" ? api.devices.search.queryOptions(input) : api.assets.search.queryOptions(input);
}

/** The twin whose alerts a widget lists: its own, or the one its variable holds (null: every twin's). */
export function alertsTwin(settings: AlertsSettings, ctx: WidgetContext): TwinRef | null {
  if (settings.twin) return resolveSource({ twin: settings.twin }, ctx.variables, ctx.picked);
  return settings.variable ? resolveSource({ variable: settings.variable }, ctx.variables, ctx.picked) : null;
}

/** The open alerts a widget lists; nothing to ask while its twin is unknown. */
export function alertsQuery(api: Api, settings: AlertsSettings, ctx: WidgetContext, idOf: IdOf) {
  const twin = alertsTwin(settings, ctx);
  const twinId = idOf(twin, 0);
  const waiting = Boolean(settings.variable || settings.twin) && !twinId;
  const query = api.alerts.search.queryOptions(
    waiting
      ? skipToken
      : {
          status: ["active", "acknowledged"],
          ...(settings.severity?.length ? { severity: settings.severity } : {}),
          ...(settings.model ? { model: settings.model } : {}),
          ...(twinId ? { twinId } : {}),
          limit: settings.limit ?? 20,
        },
  );
  return { waiting, query };
}

export function mapQuery(api: Api, settings: MapSettings) {
  return api.dashboards.mapPoints.queryOptions({
    of: settings.of ?? "assets",
    ...(settings.model ? { model: settings.model } : {}),
    ...(settings.position ? { position: settings.position } : {}),
    ...(settings.colorBy ? { colorBy: settings.colorBy } : {}),
  });
}

/** What a widget asks for when it first draws (a table's first page in its own sort): the server fetches these with the page. */
export function firstQueries(api: Api, widget: Widget, ctx: WidgetContext, idOf: IdOf): WidgetQuery<unknown>[] {
  const s = (widget.settings ?? {}) as Record<string, unknown>;
  switch (widget.type) {
    case "chart":
      return [chartQuery(api, s as ChartSettings, ctx, idOf, widget.layout.w).query];
    case "value":
    case "gauge": {
      const q = valueQueries(api, s as ValueSettings, ctx, idOf);
      return [q.last, q.recent];
    }
    case "table": {
      const settings = s as TableSettings;
      return [tableQuery(api, settings, { sort: settings.sort, search: "", cursor: undefined })];
    }
    case "alerts":
      return [alertsQuery(api, s as AlertsSettings, ctx, idOf).query];
    case "map":
      return [mapQuery(api, s as MapSettings)];
    default:
      return [];
  }
}
