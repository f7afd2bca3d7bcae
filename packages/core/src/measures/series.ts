import type { TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { measureBuckets, type TGetMeasures } from "./queries";

// A chart's series in one call: for each (twin, measure, field), the bucket averages, minima
// and maxima over the range as plain columns of numbers. Ten series of a year cost one
// request and a few kilobytes, where ten getMeasures answers carry every bucket's last
// values and dates (a dashboard page sends them along with its HTML).

const ZSeriesTwin = z.union([
  z.object({ assetId: z.string().uuid("must be an asset id") }),
  z.object({ deviceId: z.string().uuid("must be a device id") }),
]);

export const ZMeasureSeriesSchema = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    /** About how many buckets across the range (rounded to a whole step, as getMeasures does). */
    points: z.number().int().min(1).max(5000),
    series: z
      .array(
        z.object({
          twin: ZSeriesTwin,
          /** The device measure name, or the asset slot. */
          measure: z.string().min(1).max(40),
          /** The numeric value field of that measure. */
          field: z.string().min(1).max(40),
        }),
      )
      .min(1)
      .max(20),
  })
  .refine((v) => v.from < v.to, { path: ["from"], message: "must be before to" });
export type TMeasureSeriesQuery = z.infer<typeof ZMeasureSeriesSchema>;

/**
 * One series: bucket start times (epoch ms) and the field's average, minimum and maximum in
 * each, and how many measures the bucket holds (a chart folds live measures into the last
 * one by it); buckets without the field are left out.
 */
export interface TSeries {
  t: number[];
  avg: number[];
  min: number[];
  max: number[];
  n: number[];
}

const twinKey = (twin: TMeasureSeriesQuery["series"][number]["twin"]) =>
  "assetId" in twin ? `asset:${twin.assetId}` : `device:${twin.deviceId}`;

/** Every twin named must be one of the tenant's: a missing one is named by its place in the series. */
async function assertTwins(db: TenantDb, input: TMeasureSeriesQuery) {
  const assetIds = [...new Set(input.series.flatMap((s) => ("assetId" in s.twin ? [s.twin.assetId] : [])))];
  const deviceIds = [...new Set(input.series.flatMap((s) => ("deviceId" in s.twin ? [s.twin.deviceId] : [])))];
  const [assets, devices] = await Promise.all([
    assetIds.length ? db.asset.findMany({ where: { id: { in: assetIds } }, select: { id: true } }) : [],
    deviceIds.length ? db.device.findMany({ where: { id: { in: deviceIds } }, select: { id: true } }) : [],
  ]);
  const found = new Set([...assets.map((a) => `asset:${a.id}`), ...devices.map((d) => `device:${d.id}`)]);
  const missing = input.series.findIndex((s) => !found.has(twinKey(s.twin)));
  const twin = input.series[missing]?.twin;
  if (twin) {
    const kind = "assetId" in twin ? "asset" : "device";
    throw new AppError("NOT_FOUND", `series ${missing}: ${kind} ${"assetId" in twin ? twin.assetId : twin.deviceId} not found`);
  }
}

export async function measureSeries(db: TenantDb, input: TMeasureSeriesQuery) {
  await assertTwins(db, input);
  // series of one twin and measure (different fields) share one read
  const reads = new Map<string, ReturnType<typeof measureBuckets>>();
  const read = (s: TMeasureSeriesQuery["series"][number]) => {
    const key = `${twinKey(s.twin)}|${s.measure}`;
    let held = reads.get(key);
    if (!held) {
      const query = { ...s.twin, names: [s.measure], bucket: { points: input.points }, limit: 100 } as TGetMeasures;
      held = measureBuckets(db, query, input.from, input.to);
      reads.set(key, held);
    }
    return held;
  };
  // one after the other: they share the transaction's one connection
  const series: TSeries[] = [];
  let bucketSeconds = 0;
  for (const s of input.series) {
    const answer = await read(s);
    bucketSeconds = answer.bucketSeconds;
    const out: TSeries = { t: [], avg: [], min: [], max: [], n: [] };
    for (const b of answer.buckets) {
      const n = b.name === s.measure ? b.numbers[s.field] : undefined;
      if (!n) continue;
      out.t.push(b.start.getTime());
      out.avg.push(n.avg);
      out.min.push(n.min);
      out.max.push(n.max);
      out.n.push(b.count);
    }
    series.push(out);
  }
  return { from: input.from, to: input.to, bucketSeconds, series };
}
