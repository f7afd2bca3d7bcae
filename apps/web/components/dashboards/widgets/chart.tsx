"use client";
import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useEffect, useMemo, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useLivePointsOf, useTwinIds } from "../live";
import type { LivePoint } from "../live-hub";
import { type Place, resolveSource, type Source, type Threshold } from "../types";
import { chartRows, liveBucketing, timeTicks } from "./chart-data";
import { loadChartCanvas } from "./code";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { keepWhileSliding } from "./sliding";
import { chartPoints, chartQuery } from "./queries";

// drawn in the browser only: recharts draws nothing on the server
const ChartCanvas = dynamic(loadChartCanvas, { ssr: false });

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

/** The live points after the end of what the server answered (the earlier ones are in its buckets). */
function after(points: LivePoint[], to: Date | undefined): LivePoint[] {
  if (!to) return points;
  const end = to.getTime();
  return points.filter((p) => p.measuredAt.getTime() > end);
}

/**
 * Every series' buckets in one query, drawn once it has answered, then the live points on
 * top. A series whose twin is still being looked up holds the drawing back.
 */
function useSeriesRows(settings: ChartSettings, ctx: WidgetContext, columns: number) {
  const trpc = useTRPC();
  const series = settings.series ?? [];
  const twins = series.map((s) => resolveSource(s.source, ctx.variables, ctx.picked));
  const { ids, pending } = useTwinIds(twins);
  const { slots, query } = chartQuery(trpc, settings, ctx, (_, i) => ids[i], columns);
  // a range that slides (live, or refreshed every N seconds) keeps its drawing while the next reads
  const answer = useQuery({ ...query, refetchInterval: ctx.every, placeholderData: keepWhileSliding(query.queryKey) });
  // a chart redraws live at most once a second (its points are buckets of seconds to days)
  const live = useLivePointsOf(
    twins.map((t, i) => (t ? { kind: t.kind, id: ids[i] } : null)),
    1_000,
  );
  const waiting = pending.some(Boolean) || (answer.isPending && answer.fetchStatus !== "idle");
  const from = ctx.from.getTime();
  const { bucketMs, origin } = liveBucketing(answer.data, from, ctx.to.getTime(), chartPoints(columns));
  const rows = waiting
    ? []
    : chartRows(
        series.map((s, i) => ({
          measure: s.measure,
          field: s.field,
          data: answer.data?.series[slots[i] ?? -1],
          live: after(live[i] ?? [], answer.data?.to),
        })),
        bucketMs,
        origin,
      );
  const liveCount = live.reduce((n, points) => n + points.length, 0);
  return { rows, waiting, liveCount, error: answer.error };
}

/** Pixels a time label takes on the axis, with room around it. */
const TICK_PX = 90;
const ticksFor = (px: number) => Math.min(6, Math.max(2, Math.floor((px - 60) / TICK_PX) + 1));

/**
 * How many time labels fit the chart's width, so they do not run into each other: from its
 * grid columns (about 100 px each) until it is measured, then from its width as it changes
 * (a state update only when the count does).
 */
function useTickCount(columns: number) {
  const [count, setCount] = useState(() => ticksFor(columns * 100));
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setCount(ticksFor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [box, count] as const;
}

/**
 * `place`: the widget's place on the grid, which sets how many buckets it asks for.
 */
export function ChartWidget({ settings, ctx, place }: { settings: ChartSettings; ctx: WidgetContext; place: Place }) {
  const { rows, waiting, liveCount, error } = useSeriesRows(settings, ctx, place.w);
  const from = ctx.from.getTime();
  // live points land after the range's end as it was when the page opened
  const to = Math.max(ctx.to.getTime(), rows.at(-1)?.t ?? 0);
  const [box, tickCount] = useTickCount(place.w);
  const ticks = useMemo(() => timeTicks(from, to, tickCount), [from, to, tickCount]);
  return (
    <div
      ref={box}
      className="h-full min-h-32"
      role="img"
      aria-label="Chart"
      data-testid="widget-chart"
      data-points={waiting ? undefined : rows.length}
      data-live={liveCount}
      data-last={waiting ? undefined : rows.at(-1)?.s0}
    >
      {waiting ? null : error ? (
        <Muted>{errorMessage(error)}</Muted>
      ) : rows.length === 0 ? (
        <Muted>No data in this range.</Muted>
      ) : (
        <ChartCanvas settings={settings} rows={rows} from={from} to={to} ticks={ticks} />
      )}
    </div>
  );
}

export const chartWidget: WidgetDefinition<ChartSettings> = {
  type: "chart",
  size: { w: 6, h: 4 },
  start: (source) => ({ kind: "line", series: [{ source, measure: "", field: "" }], thresholds: [] }),
  View: ChartWidget,
  load: loadChartCanvas,
};
