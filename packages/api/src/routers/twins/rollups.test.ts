import { measureBuckets } from "@iot/core";
import { withTenant } from "@iot/db";
import { describe, expect, it } from "vitest";
import { deviceIn, twinWorld } from "../../twins-kit";

// Rollups are maintained on insert; these tests compare them with the raw rows after
// out-of-order (late) batches and a repeated batch.
describe("measure rollups", () => {
  it("agree with the raw rows after late inserts and retries, hourly and daily, for the device and its asset", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: `roll-${world.tag}` });
    const device = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    const day0 = Date.UTC(2026, 9, 10);
    let seed = 7;
    const rand = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const batch = (n: number, fromDay: number) =>
      Array.from({ length: n }, () => ({
        measuredAt: new Date(day0 + fromDay * 86_400_000 + Math.floor(rand() * 86_400_000)),
        type: "temperature",
        name: "temperature",
        values: { temperature: Math.round(rand() * 5000) / 100 },
      }));
    const recent = batch(400, 2);
    // a measure repeated inside its batch is stored (and rolled up) once
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [...recent, ...recent.slice(0, 1)], payloadId: "late-1" });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: batch(300, 0), payloadId: "late-2" });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: batch(300, 1), payloadId: "late-3" });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: recent, payloadId: "late-1" }); // a retry: no effect

    const from = new Date(day0);
    const to = new Date(day0 + 3 * 86_400_000);
    for (const twin of [{ deviceId: device.id }, { assetId: room.id }]) {
      for (const seconds of [3600, 6 * 3600, 86_400]) {
        const input = { ...twin, bucket: { seconds }, limit: 100 };
        const [raw, rolled] = await withTenant(world.tenant.id, async (db) => [
          await measureBuckets(db, input, from, to, "raw"),
          await measureBuckets(db, input, from, to),
        ]);
        expect(rolled.source).toBe(seconds % 86_400 === 0 ? "day" : "hour");
        expect(rolled.buckets.length).toBe(raw.buckets.length);
        const byStart = new Map(raw.buckets.map((b) => [b.start.getTime(), b]));
        for (const b of rolled.buckets) {
          const r = byStart.get(b.start.getTime());
          expect(r, `bucket ${b.start.toISOString()}`).toBeDefined();
          expect(b.count).toBe(r?.count);
          expect(b.last).toEqual(r?.last);
          expect(b.numbers.temperature?.min).toBeCloseTo(r?.numbers.temperature?.min ?? Number.NaN, 6);
          expect(b.numbers.temperature?.max).toBeCloseTo(r?.numbers.temperature?.max ?? Number.NaN, 6);
          expect(b.numbers.temperature?.avg).toBeCloseTo(r?.numbers.temperature?.avg ?? Number.NaN, 6);
        }
        expect(rolled.buckets.reduce((n, b) => n + b.count, 0)).toBe(1000);
      }
    }
  });
});
