"use client";
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
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
import { useHydrated } from "@/lib/hydrated";
import { useTRPC } from "@/lib/trpc";
import { useLivePointsOf, useTwinIds } from "../live";
import { type Place, resolveSource, type Source, type Threshold } from "../types";
import { chartRows, tickLabel, timeTicks, tooltipLabel } from "./chart-data";
import { COLORS, Muted, type WidgetContext } from "./common";
import { chartPoints, chartQueries, widgetPixels } from "./queries";

const blank = () => "";

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

/**
 * Every series' buckets in parallel, drawn once they have all answered (a chart redrawn
 * as each of ten series arrives costs ten renders of the whole chart), then the live
 * points on top.
 */
function useSeriesRows(settings: ChartSettings, ctx: WidgetContext, columns: number) {
  const trpc = useTRPC();
  const series = settings.series ?? [];
  const twins = series.map((s) => resolveSource(s.source, ctx.variables, ctx.picked));
  const { ids, pending } = useTwinIds(twins);
  const points = chartPoints(columns);
  const answers = useQueries({
    queries: chartQueries(trpc, settings, ctx, (_, i) => ids[i], columns).map(({ query }) => ({
      ...query,
      refetchInterval: ctx.every,
    })),
  });
  // a chart redraws live at most once a second (its points are buckets of seconds to days)
  const live = useLivePointsOf(
    twins.map((t, i) => (t ? { kind: t.kind, id: ids[i] } : null)),
    1_000,
  );
  // a series still waiting for its twin's id or its buckets holds the drawing back
  const waiting = answers.some((a, i) => pending[i] || (a.isPending && a.fetchStatus !== "idle"));
  const from = ctx.from.getTime();
  const bucketMs = points ? (ctx.to.getTime() - from) / points : 0;
  const rows = waiting
    ? []
    : chartRows(
        series.map((s, i) => ({ measure: s.measure, field: s.field, data: answers[i]?.data, live: live[i] ?? [] })),
        bucketMs,
        from,
      );
  const liveCount = live.reduce((n, points) => n + points.length, 0);
  return { rows, waiting, liveCount };
}

/**
 * `place`: the widget's place on the grid, which sets how many buckets it asks for and the
 * size it is drawn at until the browser measures it (the server draws it too).
 */
export function ChartWidget({ settings, ctx, place }: { settings: ChartSettings; ctx: WidgetContext; place: Place }) {
  const series = settings.series ?? [];
  const hydrated = useHydrated();
  const { rows, waiting, liveCount } = useSeriesRows(settings, ctx, place.w);
  const from = ctx.from.getTime();
  // live points land after the range's end as it was when the page opened
  const to = Math.max(ctx.to.getTime(), rows.at(-1)?.t ?? 0);
  const ticks = useMemo(() => timeTicks(from, to), [from, to]);
  const kind = settings.kind ?? "line";
  const Chart = kind === "bar" ? BarChart : kind === "area" ? AreaChart : LineChart;
  return (
    <div
      className="h-full min-h-32"
      role="img"
      aria-label="Chart"
      data-testid="widget-chart"
      data-points={waiting ? undefined : rows.length}
      data-live={liveCount}
    >
      {waiting ? null : rows.length === 0 ? (
        <Muted>No data in this range.</Muted>
      ) : (
        <ResponsiveContainer width="100%" height="100%" initialDimension={widgetPixels(place)}>
          <Chart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis
              dataKey="t"
              type="number"
              domain={[from, to]}
              allowDataOverflow
              scale="time"
              ticks={ticks}
              interval={0}
              // dates are shown in the browser's language and time zone, which the server does not know
              tickFormatter={hydrated ? tickLabel(to - from) : blank}
              fontSize={11}
            />
            <YAxis fontSize={11} width={44} interval={0} />
            <Tooltip labelFormatter={tooltipLabel} />
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
