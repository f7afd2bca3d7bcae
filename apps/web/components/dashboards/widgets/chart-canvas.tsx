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
  YAxis,
} from "recharts";
import type { ChartSettings } from "./chart";
import { type Row, tickLabel, tooltipLabel } from "./chart-data";
import { COLORS } from "./common";

// A chart's drawing (recharts, about 440 kB of script): loaded apart from the dashboard's
// code, so a dashboard without charts never loads it and one with charts loads it while
// the page hydrates (see widgets/code.ts).

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
            <Area key={common.dataKey} {...common} type="monotone" stroke={color} fill={color} fillOpacity={0.2} connectNulls />
          ) : (
            <Line key={common.dataKey} {...common} type="monotone" stroke={color} dot={false} connectNulls />
          );
        })}
        {(settings.thresholds ?? []).map((t) => (
          <ReferenceLine key={`${t.value}-${t.color}`} y={t.value} stroke={t.color} strokeDasharray="4 4" label={t.label} />
        ))}
      </Chart>
    </ResponsiveContainer>
  );
}
