import { describe, expect, it } from "vitest";
import { expectCode } from "../testkit";
import { deviceIn, twinWorld } from "../twins-kit";

// measures.series: a chart's series in one call, as columns of numbers, agreeing with the
// bucket averages getMeasures gives for the same twin, measure and range.
describe("measures.series", () => {
  it("gives each series' bucket averages, minima and maxima, for devices and assets, as getMeasures buckets them", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: `series-${world.tag}` });
    const device = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    const day0 = Date.UTC(2026, 9, 10);
    const measures = Array.from({ length: 96 }, (_, i) => ({
      measuredAt: new Date(day0 + i * 45 * 60_000),
      type: "temperature",
      name: "temperature",
      values: { temperature: 10 + (i % 7) },
    }));
    await api.devices.receiveMeasures({ deviceId: device.id, measures, payloadId: `series-${world.tag}` });
    const from = new Date(day0);
    const to = new Date(day0 + 3 * 86_400_000);

    const answer = await api.measures.series({
      from,
      to,
      points: 12,
      series: [
        { twin: { deviceId: device.id }, measure: "temperature", field: "temperature" },
        { twin: { assetId: room.id }, measure: "temperature", field: "temperature" },
        { twin: { deviceId: device.id }, measure: "temperature", field: "no-such-field" },
      ],
    });
    expect(answer.bucketSeconds).toBe(6 * 3600);
    const [ofDevice, ofAsset, empty] = answer.series;
    const buckets = await api.devices.getMeasures({ deviceId: device.id, from, to, bucket: { points: 12 } });
    if (buckets.kind !== "buckets") throw new Error("expected buckets");
    const temps = buckets.buckets.filter((b) => b.name === "temperature");
    expect(ofDevice?.t).toEqual(temps.map((b) => b.start.getTime()));
    expect(ofDevice?.avg).toEqual(temps.map((b) => b.numbers.temperature?.avg));
    expect(ofDevice?.min).toEqual(temps.map((b) => b.numbers.temperature?.min));
    expect(ofDevice?.n).toEqual(temps.map((b) => b.count));
    expect(ofDevice?.max).toEqual(temps.map((b) => b.numbers.temperature?.max));
    // 96 measures 45 min apart: 72 h, so 12 buckets of 6 h, each with values from 10 to 16
    expect(ofDevice?.t).toHaveLength(12);
    expect(Math.min(...(ofDevice?.min ?? []))).toBe(10);
    expect(Math.max(...(ofDevice?.max ?? []))).toBe(16);
    // the asset's slot holds the same measures, through the link
    expect(ofAsset).toEqual(ofDevice);
    expect(empty).toEqual({ t: [], avg: [], min: [], max: [], n: [] });
  });

  it("refuses another tenant's twin, a reversed range and too many series, naming what is wrong", async () => {
    const world = await twinWorld();
    const theirs = await deviceIn(world, world.other.id);
    const mine = await deviceIn(world, world.tenant.id);
    const api = world.tenantAdmin.as();
    const range = { from: new Date(Date.now() - 86_400_000), to: new Date(), points: 10 };
    const series = (deviceId: string) => ({ twin: { deviceId }, measure: "temperature", field: "temperature" });

    const notFound = await expectCode(
      api.measures.series({ ...range, series: [series(mine.id), series(theirs.id)] }),
      "NOT_FOUND",
    );
    expect(notFound.message).toBe(`series 1: device ${theirs.id} not found`);
    const reversed = await expectCode(
      api.measures.series({ ...range, from: range.to, to: range.from, series: [series(mine.id)] }),
      "BAD_REQUEST",
    );
    expect(reversed.message).toMatch(/^from: must be before to/);
    const many = await expectCode(
      api.measures.series({ ...range, series: Array.from({ length: 21 }, () => series(mine.id)) }),
      "BAD_REQUEST",
    );
    expect(many.message).toMatch(/^series: /);
    // the other tenant's own admin reads their device
    const ok = await world.otherAdmin.as().measures.series({ ...range, series: [series(theirs.id)] });
    expect(ok.series).toEqual([{ t: [], avg: [], min: [], max: [], n: [] }]);
  });
});
