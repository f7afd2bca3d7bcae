import type { LivePoint } from "../live-hub";

// A chart's rows, apart from React and recharts: each series' server buckets (averages)
// and the live points since, merged into one row per time (recharts draws rows), and the
// axis ticks, so the chart draws once with everything instead of once per series.

export type Row = Record<string, number>;
/** A series as measures.series answers it: bucket start times (epoch ms), averages and measure counts. */
export type SeriesColumns = { t: number[]; avg: number[]; n?: number[] };
export type SeriesInput = {
  measure?: string | undefined;
  field?: string | undefined;
  /** The server's buckets, when they came. */
  data?: SeriesColumns | undefined;
  live: LivePoint[];
};

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Rows by time, `s<i>` holding series i's value; sorted by time. Live points are averaged
 * into buckets of `bucketMs` from `origin` (the server's width), so a chart fed 100
 * measures a second keeps as many rows as pixels rather than growing by 100 a second.
 */
export function chartRows(series: SeriesInput[], bucketMs = 0, origin = 0): Row[] {
  const byTime = new Map<number, Row>();
  const put = (t: number, key: string, value: number) => {
    const row = byTime.get(t);
    if (row) row[key] = value;
    else byTime.set(t, { t, [key]: value });
  };
  for (const [i, s] of series.entries()) {
    const key = `s${i}`;
    const field = s.field ?? "";
    const columns = s.data;
    // the server's buckets by start, with their average and count, for live points to join
    const answered = new Map<number, { avg: number; n: number }>();
    if (columns)
      for (const [j, t] of columns.t.entries()) {
        const avg = columns.avg[j] ?? Number.NaN;
        answered.set(t, { avg, n: columns.n?.[j] ?? 1 });
        put(t, key, round(avg));
      }
    const live = new Map<number, { sum: number; n: number }>();
    for (const p of s.live) {
      const v = p.values[field];
      if (p.key !== s.measure || typeof v !== "number") continue;
      const t = p.measuredAt.getTime();
      const at = bucketMs > 0 ? origin + Math.floor((t - origin) / bucketMs) * bucketMs : t;
      const held = live.get(at);
      if (held) {
        held.sum += v;
        held.n += 1;
      } else live.set(at, { sum: v, n: 1 });
    }
    // a live point in a bucket the server answered (the last, still filling) joins its average
    for (const [at, { sum, n }] of live) {
      const server = answered.get(at);
      put(at, key, round(server ? (server.avg * server.n + sum) / (server.n + n) : sum / n));
    }
  }
  return [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
}

/**
 * The width and origin of the buckets live points go in: the server's (its width is the
 * range over the points asked for, rounded up to a round step; buckets read from the
 * hourly or daily rollups start on a whole UTC hour or day, raw ones on a multiple of their
 * width), so a live point lands in the same bucket the server would put it in. Before the
 * answer: the range over `points`.
 */
export function liveBucketing(
  answer: { bucketSeconds: number; series: SeriesColumns[] } | undefined,
  from: number,
  to: number,
  points: number,
): { bucketMs: number; origin: number } {
  if (!answer?.bucketSeconds) return { bucketMs: (to - from) / points, origin: from };
  const bucketMs = answer.bucketSeconds * 1000;
  const first = answer.series.find((s) => s.t.length > 0)?.t[0];
  if (first !== undefined) return { bucketMs, origin: first };
  // no bucket yet: where the server starts them (a whole UTC day or hour for rollups, else a multiple of the width)
  const grain = bucketMs % 86_400_000 === 0 ? 86_400_000 : bucketMs % 3_600_000 === 0 ? 3_600_000 : bucketMs;
  return { bucketMs, origin: Math.floor(from / grain) * grain };
}

/** `count` evenly spaced times over the range (given ticks spare recharts measuring each label in the DOM). */
export function timeTicks(from: number, to: number, count = 6): number[] {
  if (!(to > from)) return [from];
  const step = (to - from) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(from + i * step));
}

const DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** A tick's label: dates over ranges longer than two days, times below (formatters made once: making one per label is slow). */
export const tickLabel = (span: number) => (t: number) => (span > 2 * 86_400_000 ? DAY : TIME).format(t);
export const tooltipLabel = (t: unknown) => FULL.format(Number(t));
