import { describe, expect, it } from "vitest";
import { keepWhileSliding } from "./sliding";

const key = (input: object) => [["measures", "series"], { input, type: "query" }] as const;
const series = [{ twin: { assetId: "a" }, measure: "temperature", field: "temperature" }];

describe("a ranged widget's drawing while its next answer comes", () => {
  it("stays when only the range moved, and goes when the question changed", () => {
    const before = key({ from: new Date(0), to: new Date(60_000), points: 200, series });
    const slid = key({ from: new Date(30_000), to: new Date(90_000), points: 200, series });
    const otherTwin = key({
      from: new Date(30_000),
      to: new Date(90_000),
      points: 200,
      series: [{ ...series[0], twin: { assetId: "b" } }],
    });
    const answer = { series: [] };
    expect(keepWhileSliding(slid)(answer, { queryKey: before })).toBe(answer);
    expect(keepWhileSliding(otherTwin)(answer, { queryKey: before })).toBeUndefined();
    expect(keepWhileSliding(slid)(undefined, undefined)).toBeUndefined();
  });
});
