"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Button } from "@/components/ui/button";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useLivePoints, useTwinId } from "./live";
import { type Picked, resolveSource, type Source, type Threshold, thresholdColor, type Variable, type Widget } from "./types";

export interface WidgetContext {
  variables: Variable[];
  picked: Picked;
  from: Date;
  to: Date;
  live: boolean;
  /** Refetch every so many ms (interval mode), or false. */
  every: number | false;
}

const COLORS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#65a30d"];
const Muted = ({ children }: { children: React.ReactNode }) => <p className="text-sm text-zinc-500">{children}</p>;

/** One widget's content, by its type. */
export function WidgetBody({ widget, ctx }: { widget: Widget; ctx: WidgetContext }) {
  const s = (widget.settings ?? {}) as Record<string, unknown>;
  switch (widget.type) {
    case "value":
    case "gauge":
      return <ValueWidget settings={s as unknown as ValueSettings} gauge={widget.type === "gauge"} ctx={ctx} />;
    case "chart":
      return <ChartWidget settings={s as unknown as ChartSettings} ctx={ctx} />;
    case "table":
      return <TableWidget settings={s as unknown as TableSettings} ctx={ctx} />;
    case "alerts":
      return <AlertsWidget settings={s as unknown as AlertsSettings} ctx={ctx} />;
    case "map":
      return <MapWidget settings={s as unknown as MapSettings} ctx={ctx} />;
    default:
      return <Muted>Unknown widget type {widget.type}</Muted>;
  }
}

interface ValueSettings {
  source?: Source;
  measure?: string;
  field?: string;
  unit?: string;
  decimals?: number;
  trend?: boolean;
  min?: number;
  max?: number;
  thresholds?: Threshold[];
}

function ValueWidget({ settings, gauge, ctx }: { settings: ValueSettings; gauge: boolean; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const twin = resolveSource(settings.source, ctx.variables, ctx.picked);
  const id = useTwinId(twin);
  const opts = { refetchInterval: ctx.every };
  const asset = useQuery(
    trpc.assets.getLastMeasures.queryOptions(twin?.kind === "asset" && id ? { assetId: id } : skipToken, opts),
  );
  const device = useQuery(
    trpc.devices.getLastMeasures.queryOptions(twin?.kind === "device" && id ? { deviceId: id } : skipToken, opts),
  );
  const live = useLivePoints(twin?.kind, id, ctx.live);
  // the two newest measures of the range: the trend arrow
  const wantTrend = !gauge && settings.trend !== false && Boolean(settings.measure);
  const recent = { from: ctx.from, to: ctx.to, limit: 2, names: [settings.measure ?? ""] };
  const assetRecent = useQuery(
    trpc.assets.getMeasures.queryOptions(
      wantTrend && twin?.kind === "asset" && id ? { ...recent, assetId: id } : skipToken,
      opts,
    ),
  );
  const deviceRecent = useQuery(
    trpc.devices.getMeasures.queryOptions(
      wantTrend && twin?.kind === "device" && id ? { ...recent, deviceId: id } : skipToken,
      opts,
    ),
  );
  if (!twin) return <Muted>Pick a twin (or a variable) for this widget.</Muted>;
  const last = (twin.kind === "asset" ? asset.data : device.data)?.[settings.measure ?? ""];
  let value = last?.values[settings.field ?? ""];
  let at = last ? new Date(last.measuredAt) : undefined;
  for (const p of live)
    if (p.key === settings.measure && p.values[settings.field ?? ""] !== undefined && (!at || p.measuredAt >= at)) {
      value = p.values[settings.field ?? ""];
      at = p.measuredAt;
    }
  const error = asset.error ?? device.error;
  if (error) return <Muted>{errorMessage(error)}</Muted>;
  if (typeof value !== "number") return <Muted>{value === undefined ? "No value yet." : String(value)}</Muted>;
  const color = thresholdColor(value, settings.thresholds);
  const recentPage = twin.kind === "asset" ? assetRecent.data : deviceRecent.data;
  const history = (recentPage?.kind === "raw" ? recentPage.items : [])
    .map((m) => m.values[settings.field ?? ""])
    .filter((v): v is number => typeof v === "number");
  // against the measure before the shown one (the newest stored one when a live value came since)
  const previous = history[0] === value ? history[1] : history[0];
  const trend = previous === undefined || previous === value ? "→" : value > previous ? "▲" : "▼";
  const text = value.toFixed(settings.decimals ?? 1);
  if (gauge) {
    const min = settings.min ?? 0;
    const max = settings.max ?? 100;
    const ratio = Math.min(1, Math.max(0, (value - min) / (max - min || 1)));
    const angle = Math.PI * (1 - ratio);
    const x = 50 + 40 * Math.cos(angle);
    const y = 50 - 40 * Math.sin(angle);
    return (
      <div className="flex h-full flex-col items-center justify-center" data-testid="widget-value">
        <svg viewBox="0 0 100 60" className="w-full max-w-56" role="img" aria-label={`${text} ${settings.unit ?? ""}`}>
          <path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="currentColor" strokeOpacity={0.15} strokeWidth={8} />
          <path
            d={`M10 50 A40 40 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`}
            fill="none"
            stroke={color ?? "#4f46e5"}
            strokeWidth={8}
          />
          <text x="50" y="48" textAnchor="middle" fontSize="12" fill="currentColor" fontWeight={600}>
            {text}
            {settings.unit ? ` ${settings.unit}` : ""}
          </text>
        </svg>
        <p className="text-xs text-zinc-500">
          {min} – {max}
        </p>
      </div>
    );
  }
  return (
    <div className="flex h-full flex-col justify-center">
      <p className="text-3xl font-semibold tabular-nums" style={color ? { color } : undefined} data-testid="widget-value">
        {text}
        {settings.unit && <span className="ml-1 text-base font-normal text-zinc-500">{settings.unit}</span>}
        {wantTrend && history.length > 0 && (
          <span
            className="ml-2 text-base font-normal text-zinc-500"
            data-testid="widget-trend"
            title={`before: ${previous ?? "—"}`}
          >
            {trend}
          </span>
        )}
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        {twin.reference} · {settings.measure}.{settings.field}
        {at ? ` · ${at.toLocaleString()}` : ""}
      </p>
    </div>
  );
}

interface Series {
  source?: Source;
  measure?: string;
  field?: string;
  label?: string;
  color?: string;
}
interface ChartSettings {
  kind?: "line" | "area" | "bar";
  series?: Series[];
  thresholds?: Threshold[];
}

type Row = Record<string, number>;

/** One series' points: server buckets (averages) plus what arrived live. */
function SeriesData({
  series,
  index,
  ctx,
  onData,
}: {
  series: Series;
  index: number;
  ctx: WidgetContext;
  onData: (i: number, rows: Row[]) => void;
}) {
  const trpc = useTRPC();
  const twin = resolveSource(series.source, ctx.variables, ctx.picked);
  const id = useTwinId(twin);
  const base = { from: ctx.from, to: ctx.to, bucket: { points: 200 }, ...(series.measure ? { names: [series.measure] } : {}) };
  const opts = { refetchInterval: ctx.every };
  const asset = useQuery(
    trpc.assets.getMeasures.queryOptions(twin?.kind === "asset" && id ? { ...base, assetId: id } : skipToken, opts),
  );
  const device = useQuery(
    trpc.devices.getMeasures.queryOptions(twin?.kind === "device" && id ? { ...base, deviceId: id } : skipToken, opts),
  );
  const live = useLivePoints(twin?.kind, id, ctx.live);
  const data = twin?.kind === "asset" ? asset.data : device.data;
  const key = `s${index}`;
  const rows: Row[] = [];
  if (data?.kind === "buckets")
    for (const b of data.buckets) {
      const v = b.name === series.measure ? b.numbers[series.field ?? ""]?.avg : undefined;
      if (v !== undefined) rows.push({ t: new Date(b.start).getTime(), [key]: Math.round(v * 1000) / 1000 });
    }
  for (const p of live) {
    const v = p.values[series.field ?? ""];
    if (p.key === series.measure && typeof v === "number") rows.push({ t: p.measuredAt.getTime(), [key]: v });
  }
  const signature = `${JSON.stringify(series)}:${twin ? id : "none"}:${rows.length}:${rows.at(-1)?.t ?? 0}:${rows[0]?.t ?? 0}:${rows.at(-1)?.[key] ?? ""}`;
  useSignal(signature, () => onData(index, rows));
  return null;
}

/** Calls `effect` when the signature changes (after render). */
function useSignal(signature: string, effect: () => void) {
  const latest = useRef(effect);
  latest.current = effect;
  useEffect(() => {
    if (signature) latest.current();
  }, [signature]);
}

function ChartWidget({ settings, ctx }: { settings: ChartSettings; ctx: WidgetContext }) {
  const series = settings.series ?? [];
  const [byIndex, setByIndex] = useState<Record<number, Row[]>>({});
  const merged = new Map<number, Row>();
  for (const rows of Object.values(byIndex)) for (const r of rows) merged.set(r.t ?? 0, { ...merged.get(r.t ?? 0), ...r });
  const data = [...merged.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  const span = ctx.to.getTime() - ctx.from.getTime();
  const tick = (t: number) =>
    span > 2 * 86_400_000
      ? new Date(t).toLocaleDateString([], { month: "short", day: "numeric" })
      : new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const kind = settings.kind ?? "line";
  const Chart = kind === "bar" ? BarChart : kind === "area" ? AreaChart : LineChart;
  return (
    <div className="h-full min-h-32" role="img" aria-label="Chart" data-testid="widget-chart">
      {series.map((s, i) => (
        <SeriesData
          // biome-ignore lint/suspicious/noArrayIndexKey: series have no id; their place is their identity
          key={i}
          series={s}
          index={i}
          ctx={ctx}
          onData={(index, rows) => setByIndex((held) => ({ ...held, [index]: rows }))}
        />
      ))}
      {data.length === 0 ? (
        <Muted>No data in this range.</Muted>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <Chart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} scale="time" tickFormatter={tick} fontSize={11} />
            <YAxis fontSize={11} width={44} />
            <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} />
            <Legend />
            {series.map((s, i) => {
              const color = s.color ?? COLORS[i % COLORS.length];
              const name = s.label ?? `${s.measure}.${s.field}`;
              const common = { dataKey: `s${i}`, name, isAnimationActive: false };
              return kind === "bar" ? (
                <Bar key={common.dataKey} {...common} fill={color} />
              ) : kind === "area" ? (
                <Area
                  key={common.dataKey}
                  {...common}
                  type="monotone"
                  stroke={color}
                  fill={color}
                  fillOpacity={0.2}
                  connectNulls
                />
              ) : (
                <Line key={common.dataKey} {...common} type="monotone" stroke={color} dot={false} connectNulls />
              );
            })}
            {(settings.thresholds ?? []).map((t) => (
              <ReferenceLine key={`${t.value}-${t.color}`} y={t.value} stroke={t.color} strokeDasharray="4 4" label={t.label} />
            ))}
          </Chart>
        </ResponsiveContainer>
      )}
    </div>
  );
}

type Column =
  | { kind: "reference"; label?: string }
  | { kind: "model"; label?: string }
  | { kind: "metadata"; field: string; label?: string }
  | { kind: "measure"; measure: string; field: string; label?: string };
interface TableSettings {
  of?: "assets" | "devices";
  model?: string;
  columns?: Column[];
  sort?: { column: number; direction?: "asc" | "desc" };
  pageSize?: number;
  filter?: string;
}

const columnLabel = (c: Column) =>
  c.label ??
  (c.kind === "metadata"
    ? c.field
    : c.kind === "measure"
      ? `${c.measure}.${c.field}`
      : c.kind === "model"
        ? "Model"
        : "Reference");

function cellOf(
  c: Column,
  twin: { reference: string; model: string; metadata: Record<string, unknown>; measures: Record<string, unknown> },
) {
  if (c.kind === "reference") return twin.reference;
  if (c.kind === "model") return twin.model;
  if (c.kind === "metadata") return twin.metadata[c.field];
  const m = twin.measures?.[c.measure] as { values?: Record<string, unknown> } | undefined;
  return m?.values?.[c.field];
}

const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

function TableWidget({ settings, ctx }: { settings: TableSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const columns = settings.columns ?? [];
  const sortColumn = settings.sort ? columns[settings.sort.column] : undefined;
  const sortField = sortColumn?.kind === "model" ? "model" : "reference";
  const parts = [...(settings.model ? [{ model: settings.model }] : []), ...(settings.filter ? [{ text: settings.filter }] : [])];
  const input = {
    ...(parts.length ? { filter: parts.length === 1 ? parts[0] : { and: parts } } : {}),
    sort: { field: sortField, order: settings.sort?.direction ?? "asc" } as const,
    limit: settings.pageSize ?? 20,
    withTotal: true,
    ...(cursors.at(-1) ? { cursor: cursors.at(-1) } : {}),
  };
  const refetch = { refetchInterval: ctx.live ? 10_000 : ctx.every };
  const assets = useQuery(trpc.assets.search.queryOptions(settings.of !== "devices" ? input : skipToken, refetch));
  const devices = useQuery(trpc.devices.search.queryOptions(settings.of === "devices" ? input : skipToken, refetch));
  const page = settings.of === "devices" ? devices : assets;
  const items = (page.data?.items ?? []) as {
    id: string;
    reference: string;
    model: string;
    metadata: Record<string, unknown>;
    measures: Record<string, unknown>;
  }[];
  if (page.error) return <Muted>{errorMessage(page.error)}</Muted>;
  return (
    <div className="flex h-full flex-col">
      <div className="min-h-0 flex-1 overflow-auto">
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              {columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                <th key={i} className="border-b border-zinc-200 px-2 py-1 text-xs font-medium text-zinc-500 dark:border-zinc-800">
                  {columnLabel(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                {columns.map((c, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  <td key={i} className="border-b border-zinc-100 px-2 py-1 tabular-nums dark:border-zinc-800/60">
                    {show(cellOf(c, t))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between pt-1 text-xs text-zinc-500">
        <span>{page.data?.total != null ? `${page.data.total} in all` : ""}</span>
        <span className="flex gap-1">
          <Button size="sm" variant="ghost" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={!page.data?.nextCursor}
            onClick={() => setCursors((c) => [...c, page.data?.nextCursor ?? undefined])}
          >
            Next
          </Button>
        </span>
      </div>
    </div>
  );
}

interface AlertsSettings {
  severity?: ("info" | "warning" | "critical")[];
  model?: string;
  variable?: string;
  limit?: number;
}

function AlertsWidget({ settings, ctx }: { settings: AlertsSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const twin = settings.variable ? resolveSource({ variable: settings.variable }, ctx.variables, ctx.picked) : null;
  const twinId = useTwinId(twin);
  const waiting = Boolean(settings.variable) && !twinId;
  const alerts = useQuery(
    trpc.alerts.search.queryOptions(
      waiting
        ? skipToken
        : {
            status: ["active", "acknowledged"],
            ...(settings.severity?.length ? { severity: settings.severity } : {}),
            ...(settings.model ? { model: settings.model } : {}),
            ...(twinId ? { twinId } : {}),
            limit: settings.limit ?? 20,
          },
      { refetchInterval: ctx.live ? 10_000 : ctx.every },
    ),
  );
  if (waiting) return <Muted>Pick the variable’s twin.</Muted>;
  if (alerts.error) return <Muted>{errorMessage(alerts.error)}</Muted>;
  const items = alerts.data?.items ?? [];
  if (!items.length) return <Muted>No open alert.</Muted>;
  return (
    <ul className="h-full space-y-1 overflow-auto text-sm">
      {items.map((a) => (
        <li key={a.id} className="flex gap-2">
          <span
            className={`mt-1.5 size-2 shrink-0 rounded-full ${a.severity === "critical" ? "bg-red-500" : a.severity === "warning" ? "bg-amber-500" : "bg-sky-500"}`}
          />
          <span className="min-w-0">
            <span className="font-medium">{a.twin.reference}</span> <span className="text-zinc-500">{a.message}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

interface MapSettings {
  of?: "assets" | "devices" | "both";
  model?: string;
  position?: { measure: string; field: string };
}

/** Markers as a list (no map tiles offline): each twin's last position. */
function MapWidget({ settings, ctx }: { settings: MapSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const input = {
    ...(settings.model ? { filter: { model: settings.model } } : {}),
    sort: { field: "reference", order: "asc" } as const,
    limit: 200,
    withTotal: false,
  };
  const opts = { refetchInterval: ctx.live ? 10_000 : ctx.every };
  const assets = useQuery(trpc.assets.search.queryOptions(settings.of !== "devices" ? input : skipToken, opts));
  const devices = useQuery(trpc.devices.search.queryOptions(settings.of !== "assets" ? input : skipToken, opts));
  const position = settings.position ?? { measure: "position", field: "position" };
  const twins = [...(assets.data?.items ?? []), ...(devices.data?.items ?? [])] as {
    id: string;
    reference: string;
    measures: Record<string, unknown>;
  }[];
  const markers = twins.flatMap((t) => {
    const m = t.measures?.[position.measure] as { values?: Record<string, unknown> } | undefined;
    const p = m?.values?.[position.field] as { lat?: unknown; lon?: unknown } | undefined;
    return typeof p?.lat === "number" && typeof p?.lon === "number"
      ? [{ id: t.id, reference: t.reference, lat: p.lat, lon: p.lon }]
      : [];
  });
  if (!markers.length) return <Muted>No positions.</Muted>;
  return (
    <ul className="h-full space-y-1 overflow-auto text-sm" data-testid="map-markers">
      {markers.map((m) => (
        <li key={m.id} className="flex justify-between gap-2">
          <span>📍 {m.reference}</span>
          <span className="font-mono text-xs text-zinc-500">
            {m.lat.toFixed(5)}, {m.lon.toFixed(5)}
          </span>
        </li>
      ))}
    </ul>
  );
}
