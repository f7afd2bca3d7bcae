import { randomUUID } from "node:crypto";
import { BUILTIN_MEASURE_TYPES, onDomainEvent, onMeasuresBefore } from "@iot/core";
import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember } from "../../testkit";
import { deviceIn, twinWorld } from "../../twins-kit";

const VALID: Record<string, Record<string, unknown>> = {
  temperature: { temperature: 21.5 },
  humidity: { humidity: 55 },
  position: { position: { lat: 48.85, lon: 2.35 }, altitude: 35, accuracy: 4 },
  movement: { movement: true },
  battery: { battery: 87 },
  co2: { co2: 612 },
  pressure: { pressure: 1013.2 },
  power: { power: -120.5 },
  acceleration: { x: 0.1, y: -9.8, z: 0.3 },
};
const INVALID: Record<string, [Record<string, unknown>, RegExp]> = {
  temperature: [{ temperature: "hot" }, /values\.temperature/],
  humidity: [{ humidity: 140 }, /values\.humidity/],
  position: [{ position: { lat: 95, lon: 2 } }, /values\.position\.lat/],
  movement: [{ movement: 1 }, /values\.movement/],
  battery: [{ battery: 50.5 }, /values\.battery/],
  co2: [{ co2: -1 }, /values\.co2/],
  pressure: [{}, /values\.pressure/],
  power: [{ power: 10, volts: 230 }, /volts/],
  acceleration: [{ x: 1, y: 2 }, /values\.z/],
};

async function everyTypeAsset(world: Awaited<ReturnType<typeof twinWorld>>) {
  const model = `All${world.tag.replace(/-/g, "")}`;
  await world.admin.as().models.writeAsset({
    tenantGroup: "commons",
    model,
    measures: BUILTIN_MEASURE_TYPES.map((t) => ({ name: t.name, type: t.name })),
  });
  return world.tenantAdmin.as().assets.create({ model, reference: `all-${world.tag}` });
}

describe("measures", () => {
  it("accepts each built-in type's valid values and refuses invalid ones with the measure and field named", async () => {
    const world = await twinWorld();
    const asset = await everyTypeAsset(world);
    const api = world.tenantAdmin.as();
    const at = new Date(Date.now() - 60_000);
    const ok = await api.assets.measureIngest({
      assetId: asset.id,
      measures: BUILTIN_MEASURE_TYPES.map((t) => ({ measuredAt: at, type: t.name, name: t.name, values: VALID[t.name] ?? {} })),
    });
    expect(ok).toMatchObject({ received: 9, inserted: 9, duplicates: 0 });
    const last = await api.assets.getLastMeasures({ assetId: asset.id });
    expect(last.position?.values).toEqual(VALID.position);
    for (const t of BUILTIN_MEASURE_TYPES) {
      const [values, message] = INVALID[t.name] ?? [{}, /./];
      const error = await expectCode(
        api.assets.measureIngest({ assetId: asset.id, measures: [{ measuredAt: at, type: t.name, name: t.name, values }] }),
        "BAD_REQUEST",
      );
      expect(error.message, t.name).toMatch(/measures\.0\./);
      expect(error.message, t.name).toMatch(message);
    }
    const wrongSlot = await expectCode(
      api.assets.measureIngest({
        assetId: asset.id,
        measures: [{ measuredAt: at, type: "co2", name: "temperature", values: { co2: 1 } }],
      }),
      "BAD_REQUEST",
    );
    expect(wrongSlot.message).toMatch(/"temperature" is temperature, not co2/);
  });

  it("receiveMeasures: a linked device's measures reach its slots, last measures, last-seen and the event; the same batch twice is stored once", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: `m-${world.tag}` });
    const device = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    const events: number[] = [];
    const off = onDomainEvent("measures.processed", (e) => void (e.source.id === device.id && events.push(e.measures.length)));
    const t0 = Date.now() - 10 * 60_000;
    const batch = [
      { measuredAt: new Date(t0 + 60_000), type: "temperature", name: "temperature", values: { temperature: 20 } },
      { measuredAt: new Date(t0), type: "temperature", name: "temperature", values: { temperature: 19 } },
      { measuredAt: new Date(t0), type: "battery", name: "battery", values: { battery: 90 } },
    ];
    expect(await api.devices.receiveMeasures({ deviceId: device.id, measures: batch, payloadId: "p-1" })).toMatchObject({
      inserted: 3,
      duplicates: 0,
      assetId: room.id,
    });
    expect(await api.devices.receiveMeasures({ deviceId: device.id, measures: batch, payloadId: "p-1" })).toMatchObject({
      inserted: 0,
      duplicates: 3,
    });
    const deviceLast = await api.devices.getLastMeasures({ deviceId: device.id });
    expect(deviceLast.temperature?.values).toEqual({ temperature: 20 });
    expect(deviceLast.battery?.values).toEqual({ battery: 90 });
    // battery is not linked to a Room slot: only temperature reaches the asset
    const assetLast = await api.assets.getLastMeasures({ assetId: room.id });
    expect(Object.keys(assetLast)).toEqual(["temperature"]);
    expect((await api.devices.get({ id: device.id })).status).toBe("online");
    const raw = await api.assets.getMeasures({ assetId: room.id, from: new Date(t0 - 1000) });
    expect(raw.kind === "raw" && raw.items.map((m) => m.values)).toEqual([{ temperature: 20 }, { temperature: 19 }]);
    expect(events).toEqual([3, 3]);
    off();
  });

  it("an older measure does not replace a newer last measure, but is stored", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const now = Date.now();
    await api.devices.receiveMeasures({
      deviceId: device.id,
      measures: [{ measuredAt: new Date(now - 1000), type: "humidity", name: "humidity", values: { humidity: 40 } }],
    });
    await api.devices.receiveMeasures({
      deviceId: device.id,
      measures: [{ measuredAt: new Date(now - 60_000), type: "humidity", name: "humidity", values: { humidity: 70 } }],
    });
    expect((await api.devices.getLastMeasures({ deviceId: device.id })).humidity?.values).toEqual({ humidity: 40 });
    const all = await api.devices.getMeasures({ deviceId: device.id, from: new Date(now - 120_000) });
    expect(all.kind === "raw" && all.items.length).toBe(2);
  });

  it("two devices on two slots of one asset: neither erases the other's last measure", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const model = `Duo${world.tag.replace(/-/g, "")}`;
    await world.admin.as().models.writeAsset({
      tenantGroup: "commons",
      model,
      measures: [
        { name: "inside", type: "temperature" },
        { name: "outside", type: "temperature" },
      ],
    });
    const fridge = await api.assets.create({ model, reference: "fridge" });
    const a = await deviceIn(world, world.tenant.id);
    const b = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({
      deviceId: a.id,
      assetId: fridge.id,
      measureNames: [{ device: "temperature", asset: "inside" }],
    });
    await api.devices.linkAsset({
      deviceId: b.id,
      assetId: fridge.id,
      measureNames: [{ device: "temperature", asset: "outside" }],
    });
    const at = new Date(Date.now() - 5000);
    await api.devices.receiveMeasures({
      deviceId: a.id,
      measures: [{ measuredAt: at, type: "temperature", name: "temperature", values: { temperature: 4 } }],
    });
    await api.devices.receiveMeasures({
      deviceId: b.id,
      measures: [{ measuredAt: at, type: "temperature", name: "temperature", values: { temperature: 22 } }],
    });
    const last = await api.assets.getLastMeasures({ assetId: fridge.id });
    expect({ inside: last.inside?.values, outside: last.outside?.values }).toEqual({
      inside: { temperature: 4 },
      outside: { temperature: 22 },
    });
    expect(last.inside?.originId).toBe(a.id);
  });

  it("before hooks change and add measures and set metadata; after hooks see what was stored", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const seen: string[] = [];
    const off = onMeasuresBefore((ctx) => {
      if (ctx.tenantId !== world.tenant.id) return;
      for (const m of ctx.measures)
        if (m.type === "temperature") m.values = { temperature: Math.round(((m.values.temperature as number) - 32) / 1.8) };
      const last = ctx.measures.at(-1);
      if (last)
        ctx.measures.push({ measuredAt: last.measuredAt, type: "battery", name: "battery", values: { battery: 50 }, slot: null });
      ctx.setMetadata("device", { gain: 2.5 });
      seen.push(ctx.source.twin.reference);
    });
    await api.devices.receiveMeasures({
      deviceId: device.id,
      measures: [
        { measuredAt: new Date(Date.now() - 1000), type: "temperature", name: "temperature", values: { temperature: 212 } },
      ],
    });
    off();
    const last = await api.devices.getLastMeasures({ deviceId: device.id });
    expect(last.temperature?.values).toEqual({ temperature: 100 });
    expect(last.battery?.values).toEqual({ battery: 50 });
    expect((await api.devices.get({ id: device.id })).metadata).toMatchObject({ gain: 2.5 });
    expect(seen).toEqual([device.reference]);
  });

  it("writes the asset's history when the tenant keeps it (asset tracking) and not otherwise", async () => {
    const world = await twinWorld();
    const fleet = await newTenant(world.admin, "asset_tracking");
    const fleetAdmin = await signedInMember(world.admin, fleet.id, ["admin"]);
    const container = await fleetAdmin.as().assets.create({ model: "Container", reference: `c-${world.tag}` });
    await fleetAdmin.as().assets.measureIngest({
      assetId: container.id,
      measures: [{ measuredAt: new Date(), type: "movement", name: "movement", values: { movement: true } }],
    });
    const history = await fleetAdmin.as().assets.history({ assetId: container.id });
    expect(history.items[0]).toMatchObject({ event: "measure", details: { slots: ["movement"], count: 1 } });
    const room = await world.tenantAdmin.as().assets.create({ model: "Room", reference: `h-${world.tag}` });
    await world.tenantAdmin.as().assets.measureIngest({
      assetId: room.id,
      measures: [{ measuredAt: new Date(), type: "co2", name: "co2", values: { co2: 500 } }],
    });
    expect((await world.tenantAdmin.as().assets.history({ assetId: room.id })).items.map((h) => h.event)).toEqual(["created"]);
  });

  it("buckets agree with a brute-force computation on random data, numbers and positions", async () => {
    const world = await twinWorld();
    const fleet = await newTenant(world.admin, "asset_tracking");
    const api = (await signedInMember(world.admin, fleet.id, ["admin"])).as();
    const container = await api.assets.create({ model: "Container", reference: `b-${world.tag}` });
    const from = new Date(Date.UTC(2026, 10, 1));
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const temps = Array.from({ length: 300 }, (_, i) => ({
      at: new Date(from.getTime() + Math.floor(rand() * 6 * 3_600_000)),
      v: Math.round(rand() * 4000) / 100 - 10,
      i,
    }));
    const unique = [...new Map(temps.map((t) => [t.at.getTime(), t])).values()];
    const positions = unique.slice(0, 50).map((t) => ({ at: t.at, lat: rand() * 90, lon: rand() * 180 }));
    await api.assets.measureIngest({
      assetId: container.id,
      measures: [
        ...unique.map((t) => ({ measuredAt: t.at, type: "temperature", name: "temperature", values: { temperature: t.v } })),
        ...positions.map((p) => ({
          measuredAt: p.at,
          type: "position",
          name: "position",
          values: { position: { lat: p.lat, lon: p.lon } },
        })),
      ],
    });
    const to = new Date(from.getTime() + 6 * 3_600_000);
    const result = await api.assets.getMeasures({ assetId: container.id, from, to, bucket: { seconds: 1800 } });
    if (result.kind !== "buckets") throw new Error("expected buckets");
    for (const bucket of result.buckets) {
      const start = bucket.start.getTime();
      const inBucket = <T extends { at: Date }>(xs: T[]) =>
        xs
          .filter((x) => x.at.getTime() >= start && x.at.getTime() < start + 1_800_000)
          .sort((a, b) => a.at.getTime() - b.at.getTime());
      if (bucket.name === "temperature") {
        const xs = inBucket(unique);
        const values = xs.map((x) => x.v);
        expect(bucket.count).toBe(xs.length);
        expect(bucket.numbers.temperature?.min).toBeCloseTo(Math.min(...values), 6);
        expect(bucket.numbers.temperature?.max).toBeCloseTo(Math.max(...values), 6);
        expect(bucket.numbers.temperature?.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
        expect(bucket.last).toEqual({ temperature: xs.at(-1)?.v });
      } else {
        const xs = inBucket(positions);
        expect(bucket.count).toBe(xs.length);
        expect(bucket.last).toEqual({ position: { lat: xs.at(-1)?.lat, lon: xs.at(-1)?.lon } });
        expect(bucket.numbers).toEqual({});
      }
    }
    expect(result.buckets.filter((b) => b.name === "temperature").reduce((n, b) => n + b.count, 0)).toBe(unique.length);
    const byPoints = await api.assets.getMeasures({ assetId: container.id, from, to, bucket: { points: 12 } });
    expect(byPoints.kind === "buckets" && byPoints.bucketSeconds).toBe(1800);
  });

  it("pages raw measures newest first with a cursor", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const base = Date.now() - 3_600_000;
    await api.devices.receiveMeasures({
      deviceId: device.id,
      measures: Array.from({ length: 25 }, (_, i) => ({
        measuredAt: new Date(base + i * 1000),
        type: "temperature",
        name: "temperature",
        values: { temperature: i },
      })),
    });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.devices.getMeasures({ deviceId: device.id, from: new Date(base - 1), limit: 10, cursor });
      if (page.kind !== "raw") throw new Error("raw expected");
      seen.push(...page.items.map((m) => m.values.temperature as number));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
  });

  it("a member of tenant A gets nothing of tenant B's measures", async () => {
    const world = await twinWorld();
    const bDevice = await deviceIn(world, world.other.id);
    const bRoom = await world.otherAdmin.as().assets.create({ model: "Room", reference: `iso-${randomUUID().slice(0, 4)}` });
    await world.otherAdmin.as().devices.receiveMeasures({
      deviceId: bDevice.id,
      measures: [{ measuredAt: new Date(), type: "temperature", name: "temperature", values: { temperature: 30 } }],
    });
    const a = world.tenantAdmin.as();
    await expectCode(
      a.devices.receiveMeasures({
        deviceId: bDevice.id,
        measures: [{ measuredAt: new Date(), type: "temperature", name: "temperature", values: { temperature: 1 } }],
      }),
      "NOT_FOUND",
    );
    await expectCode(
      a.assets.measureIngest({
        assetId: bRoom.id,
        measures: [{ measuredAt: new Date(), type: "co2", name: "co2", values: { co2: 1 } }],
      }),
      "NOT_FOUND",
    );
    await expectCode(a.devices.getMeasures({ deviceId: bDevice.id }), "NOT_FOUND");
    await expectCode(a.devices.getLastMeasures({ deviceId: bDevice.id }), "NOT_FOUND");
    await expectCode(a.assets.getMeasures({ assetId: bRoom.id }), "NOT_FOUND");
    expect(await a.devices.mGetLastMeasures({ ids: [bDevice.id] })).toEqual({});
    expect(await a.assets.mGetLastMeasures({ ids: [bRoom.id] })).toEqual({});
    expect(Object.keys(await world.otherAdmin.as().devices.mGetLastMeasures({ ids: [bDevice.id] }))).toEqual([bDevice.id]);
  });
});
