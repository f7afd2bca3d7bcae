"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

interface Bucket {
  start: Date;
  name: string;
  numbers: Record<string, { min: number; max: number; avg: number }>;
}

const COLORS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#65a30d"];

/** One line per measure and numeric field (the bucket's average), from server-side buckets. */
export function MeasureChart({ buckets, units }: { buckets: Bucket[]; units: Map<string, string> }) {
  const series = [...new Set(buckets.flatMap((b) => Object.keys(b.numbers).map((f) => `${b.name}.${f}`)))];
  const byTime = new Map<number, Record<string, number>>();
  for (const b of buckets) {
    const row = byTime.get(b.start.getTime()) ?? { t: b.start.getTime() };
    for (const [field, stats] of Object.entries(b.numbers)) row[`${b.name}.${field}`] = Math.round(stats.avg * 100) / 100;
    byTime.set(b.start.getTime(), row);
  }
  const data = [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  if (!series.length) return <p className="py-8 text-center text-sm text-zinc-500">No numeric measures in this range.</p>;
  return (
    <div className="h-72" data-testid="measure-chart" aria-label="Measures chart" role="img">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis
            dataKey="t"
            type="number"
            domain={["dataMin", "dataMax"]}
            scale="time"
            tickFormatter={(t: number) => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
            fontSize={12}
          />
          <YAxis fontSize={12} width={48} />
          <Tooltip
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            formatter={(v, n) => [`${String(v)} ${units.get(String(n).split(".").at(-1) ?? "") ?? ""}`, n]}
          />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s}
              type="monotone"
              dataKey={s}
              stroke={COLORS[i % COLORS.length]}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
