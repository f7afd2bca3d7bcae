"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
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
import { useTRPC } from "@/lib/trpc";
import { useLivePoints, useTwinId } from "../live";
import { resolveSource, type Source, type Threshold } from "../types";
import { COLORS, Muted, type WidgetContext } from "./common";

interface Series {
  source?: Source;
  measure?: string;
  field?: string;
  label?: string;
  color?: string;
}
export interface ChartSettings {
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
  points,
  onData,
}: {
  series: Series;
  index: number;
  ctx: WidgetContext;
  /** Buckets to ask the server for: about one per 3 pixels of the chart's width. */
  points: number;
  onData: (i: number, rows: Row[]) => void;
}) {
  const trpc = useTRPC();
  const twin = resolveSource(series.source, ctx.variables, ctx.picked);
  const id = useTwinId(twin);
  const base = { from: ctx.from, to: ctx.to, bucket: { points }, ...(series.measure ? { names: [series.measure] } : {}) };
  const opts = { refetchInterval: ctx.every };
  const asset = useQuery(
    trpc.assets.getMeasures.queryOptions(twin?.kind === "asset" && id ? { ...base, assetId: id } : skipToken, opts),
  );
  const device = useQuery(
    trpc.devices.getMeasures.queryOptions(twin?.kind === "device" && id ? { ...base, deviceId: id } : skipToken, opts),
  );
  const live = useLivePoints(twin?.kind, id);
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

/**
 * How many buckets the server should make: one per 3 pixels of the widget's width, in steps
 * of 25 so resizing does not refetch at every pixel (a year of data draws as a few hundred
 * points, whatever the range).
 */
function useBucketCount() {
  const ref = useRef<HTMLDivElement>(null);
  const [points, setPoints] = useState<number | null>(null);
  // measured before the first paint, so the series' queries start once, with the right count
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setPoints(Math.min(1000, Math.max(25, Math.round(element.clientWidth / 3 / 25) * 25)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, points };
}

export function ChartWidget({ settings, ctx }: { settings: ChartSettings; ctx: WidgetContext }) {
  const series = settings.series ?? [];
  const [byIndex, setByIndex] = useState<Record<number, Row[]>>({});
  const { ref, points } = useBucketCount();
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
    <div ref={ref} className="h-full min-h-32" role="img" aria-label="Chart" data-testid="widget-chart" data-points={data.length}>
      {points === null
        ? null
        : series.map((s, i) => (
            <SeriesData
              // biome-ignore lint/suspicious/noArrayIndexKey: series have no id; their place is their identity
              key={i}
              series={s}
              index={i}
              ctx={ctx}
              points={points}
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
