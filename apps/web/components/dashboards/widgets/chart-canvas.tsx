"use client";
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
  type XAxisTickContentProps,
  YAxis,
  type YAxisTickContentProps,
} from "recharts";
import type { ChartSettings } from "./chart";
import { type Row, tickLabel, tooltipLabel } from "./chart-data";
import { COLORS } from "./common";

// A chart's drawing (recharts, about 440 kB of script): loaded apart from the dashboard's
// code, so a dashboard without charts never loads it and one with charts loads it while
// the page hydrates (see widgets/code.ts).

/**
 * An axis label as plain SVG text. recharts' own measures every word of every label in the
 * DOM to wrap it (each a forced layout of the whole page: about half of a chart's first
 * draw); an axis label here is one short line and needs none of that.
 */
function AxisTick(props: XAxisTickContentProps | YAxisTickContentProps) {
  const { x, y, verticalAnchor, fill, className, payload, tickFormatter, index, visibleTicksCount } = props;
  // the time axis' last label ends at its tick rather than running off the chart's edge
  const last = props.orientation === "bottom" && index === visibleTicksCount - 1 && visibleTicksCount > 1;
  const textAnchor = last ? "end" : props.textAnchor;
  // the axis' own svg attributes (fontSize here) come with the props, untyped
  const { fontSize } = props as { fontSize?: number | string };
  const label = tickFormatter ? tickFormatter(payload.value, index) : String(payload.value);
  const dy = verticalAnchor === "start" ? "0.71em" : verticalAnchor === "end" ? "0" : "0.355em";
  return (
    <text x={x} y={y} dy={dy} textAnchor={textAnchor} fill={fill} fontSize={fontSize} className={className}>
      {label}
    </text>
  );
}

export default function ChartCanvas({
  settings,
  rows,
  from,
  to,
  ticks,
}: {
  settings: ChartSettings;
  rows: Row[];
  from: number;
  to: number;
  ticks: number[];
}) {
  const series = settings.series ?? [];
  const kind = settings.kind ?? "line";
  const Chart = kind === "bar" ? BarChart : kind === "area" ? AreaChart : LineChart;
  return (
    <ResponsiveContainer width="100%" height="100%">
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
          tickFormatter={tickLabel(to - from)}
          tick={AxisTick}
          fontSize={11}
        />
        <YAxis fontSize={11} width={44} interval={0} tick={AxisTick} />
        <Tooltip labelFormatter={tooltipLabel} />
        <Legend />
        {series.map((s, i) => {
          const color = s.color ?? COLORS[i % COLORS.length];
          const name = s.label ?? `${s.measure}.${s.field}`;
          const common = { dataKey: `s${i}`, name, isAnimationActive: false };
          return kind === "bar" ? (
            <Bar key={common.dataKey} {...common} fill={color} />
          ) : kind === "area" ? (
            <Area key={common.dataKey} {...common} type="monotone" stroke={color} fill={color} fillOpacity={0.2} connectNulls />
          ) : (
            <Line key={common.dataKey} {...common} type="monotone" stroke={color} dot={false} connectNulls />
          );
        })}
        {(settings.thresholds ?? []).map((t) => (
          <ReferenceLine
            key={`${t.value}-${t.color}`}
            y={t.value}
            stroke={t.color}
            strokeDasharray="4 4"
            label={t.label}
            ifOverflow="extendDomain"
          />
        ))}
      </Chart>
    </ResponsiveContainer>
  );
}
