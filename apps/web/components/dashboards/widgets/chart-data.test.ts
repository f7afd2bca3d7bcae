import { describe, expect, it } from "vitest";
import { chartRows, liveBucketing, timeTicks } from "./chart-data";

const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));
const buckets = (values: [number, number][]) => ({
  t: values.map(([m]) => at(m).getTime()),
  avg: values.map(([, avg]) => avg),
});

describe("chart rows", () => {
  it("merges the series' buckets and live points into one row per time, in time order", () => {
    const rows = chartRows([
      {
        measure: "temperature",
        field: "temperature",
        data: buckets([
          [0, 20.12345],
          [10, 21],
        ]),
        live: [],
      },
      {
        measure: "t",
        field: "temperature",
        data: buckets([[10, 5]]),
        live: [
          { kind: "asset", twinId: "a", key: "t", measuredAt: at(12), values: { temperature: 6 } },
          { kind: "asset", twinId: "a", key: "other", measuredAt: at(13), values: { temperature: 99 } },
        ],
      },
    ]);
    expect(rows).toEqual([
      { t: at(0).getTime(), s0: 20.123 },
      { t: at(10).getTime(), s0: 21, s1: 5 },
      { t: at(12).getTime(), s1: 6 },
    ]);
  });

  it("averages live points into buckets of the server's width", () => {
    const live = [0, 1, 2, 3].map((m) => ({
      kind: "asset" as const,
      twinId: "a",
      key: "t",
      measuredAt: at(10 + m),
      values: { temperature: m },
    }));
    const minutes2 = 2 * 60_000;
    expect(chartRows([{ measure: "t", field: "temperature", live }], minutes2, at(0).getTime())).toEqual([
      { t: at(10).getTime(), s0: 0.5 },
      { t: at(12).getTime(), s0: 2.5 },
    ]);
  });

  it("puts live points in the server's buckets: its rounded width, from its first bucket", () => {
    // a day over 400 points is 216 s a bucket; the server rounds it to 300 s (raw buckets, on
    // multiples of 300 s: its first here starts at 00:00, before the range's 00:07)
    const from = at(7).getTime();
    const to = from + 86_400_000;
    expect(liveBucketing(undefined, from, to, 400)).toEqual({ bucketMs: 216_000, origin: from });
    const answer = { bucketSeconds: 300, series: [{ t: [], avg: [] }, buckets([[0, 1]])] };
    const { bucketMs, origin } = liveBucketing(answer, from, to, 400);
    expect({ bucketMs, origin }).toEqual({ bucketMs: 300_000, origin: at(0).getTime() });
    const live = [{ kind: "asset" as const, twinId: "a", key: "t", measuredAt: at(24 * 60 + 8), values: { v: 4 } }];
    expect(chartRows([{ measure: "t", field: "v", live }], bucketMs, origin)).toEqual([{ t: at(24 * 60 + 5).getTime(), s0: 4 }]);
  });

  it("starts live buckets where the server would when it has none yet", () => {
    const from = at(7).getTime();
    const raw = liveBucketing({ bucketSeconds: 300, series: [{ t: [], avg: [] }] }, from, from + 86_400_000, 400);
    expect(raw).toEqual({ bucketMs: 300_000, origin: at(5).getTime() });
    const hourly = liveBucketing({ bucketSeconds: 7200, series: [] }, from, from + 30 * 86_400_000, 400);
    expect(hourly).toEqual({ bucketMs: 7_200_000, origin: at(0).getTime() });
  });

  it("folds live points into the server's last bucket by its count, and starts new ones after it", () => {
    const data = { t: [at(10).getTime()], avg: [20], n: [3] };
    const live = [11, 13].map((m, i) => ({
      kind: "asset" as const,
      twinId: "a",
      key: "t",
      measuredAt: at(m),
      values: { v: 24 + i * 4 },
    }));
    // 2-minute buckets: 00:11 joins the 00:10 bucket (20 x 3 and 24: 21), 00:13 starts 00:12
    expect(chartRows([{ measure: "t", field: "v", data, live }], 120_000, at(0).getTime())).toEqual([
      { t: at(10).getTime(), s0: 21 },
      { t: at(12).getTime(), s0: 28 },
    ]);
  });

  it("draws nothing for series without an answer yet or with no bucket in the range", () => {
    expect(chartRows([{ measure: "a", field: "x", data: buckets([]), live: [] }, { live: [] }])).toEqual([]);
  });

  it("spaces ticks evenly over the range", () => {
    expect(timeTicks(0, 100, 6)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(timeTicks(5, 5)).toEqual([5]);
  });
});
