import { type DecodedPayload, Decoder, measureBuckets, processPayloads, registerDecoder, storePayloads } from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode } from "../testkit";
import { deviceIn, twinWorld } from "../twins-kit";

// A decoder ships with a bug (it forgets to scale its readings), payloads go through it,
// it is fixed, and a replay repairs history: raw rows, rollups and last measures of the
// device and its asset all show the fixed values, and nothing of the bug is left.

class ThermometerDecoder extends Decoder<{ ref: string; at: string; raw: number }> {
  readonly measures = [{ name: "temperature", type: "temperature" }] as const;
  fixed = false;
  constructor(
    readonly action: string,
    readonly deviceModel: string,
  ) {
    super();
  }
  decode(p: { ref: string; at: string; raw: number }, decoded: DecodedPayload) {
    if (this.fixed && p.raw > 1000) throw new Error(`reading ${p.raw} is out of the sensor's range`);
    decoded.addMeasurement(p.ref, "temperature", {
      measuredAt: new Date(p.at),
      type: "temperature",
      values: { temperature: this.fixed ? p.raw / 10 : p.raw },
    });
  }
}

describe("payloads.replay", () => {
  it("replaces what each payload produced after a decoder fix; a payload now refused takes its measures back", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const decoder = new ThermometerDecoder(`thermo-${world.tag}`, world.sensor.model);
    registerDecoder(decoder);
    const device = await deviceIn(world, world.tenant.id);
    const room = await api.assets.create({ model: "Room", reference: `replay-${world.tag}` });
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });

    const hour = Date.UTC(2026, 10, 20, 10);
    const readings = [215, 198, 230, 5000]; // the last is garbage the fixed decoder refuses
    const ids = await storeAll(
      world.tenant.id,
      decoder,
      readings.map((raw, i) => ({ ref: device.reference, at: new Date(hour + i * 600_000).toISOString(), raw })),
    );
    // another device's measures in the same buckets must survive the replay untouched
    await api.devices.receiveMeasures({
      deviceId: (await deviceIn(world, world.tenant.id)).id,
      measures: [{ measuredAt: new Date(hour + 60_000), type: "temperature", name: "temperature", values: { temperature: 3 } }],
    });
    expect((await processPayloads(ids)).map((r) => r.state)).toEqual(["VALID", "VALID", "VALID", "VALID"]);
    const before = await api.devices.getLastMeasures({ deviceId: device.id });
    expect(before.temperature?.values).toEqual({ temperature: 5000 });

    decoder.fixed = true;
    // another tenant cannot replay these; one page of a filter replays them all
    await expectCode(world.otherAdmin.as().payloads.replay({ ids }), "NOT_FOUND");
    const replay = await api.payloads.replay({ filter: { decoder: decoder.action } });
    expect(replay).toMatchObject({ replayed: 4, states: { VALID: 3, ERROR: 1 }, nextCursor: null });

    const raw = await api.devices.getMeasures({ deviceId: device.id, from: new Date(hour), to: new Date(hour + 3_600_000) });
    if (raw.kind !== "raw") throw new Error("expected raw rows");
    expect(raw.items.map((m) => m.values.temperature).sort()).toEqual([19.8, 21.5, 23]);
    expect((await api.devices.getLastMeasures({ deviceId: device.id })).temperature?.values).toEqual({ temperature: 23 });
    expect((await api.assets.getLastMeasures({ assetId: room.id })).temperature?.values).toEqual({ temperature: 23 });

    // the rollups agree with the raw rows again, for the device and the asset
    for (const twin of [{ deviceId: device.id }, { assetId: room.id }]) {
      for (const seconds of [3600, 86_400]) {
        const input = { ...twin, bucket: { seconds }, limit: 100 };
        const from = new Date(Date.UTC(2026, 10, 20));
        const to = new Date(Date.UTC(2026, 10, 21));
        const [fromRaw, rolled] = await withTenant(world.tenant.id, async (db) => [
          await measureBuckets(db, input, from, to, "raw"),
          await measureBuckets(db, input, from, to),
        ]);
        expect(rolled.source).not.toBe("raw");
        expect(rolled.buckets.map((b) => [b.count, b.numbers.temperature?.max])).toEqual(
          fromRaw.buckets.map((b) => [b.count, b.numbers.temperature?.max]),
        );
        expect(rolled.buckets[0]?.numbers.temperature?.max).toBe(23);
      }
    }
    const log = await api.payloads.get({ id: ids[3] as string });
    expect(log).toMatchObject({ state: "ERROR", reason: expect.stringMatching(/out of the sensor's range/), measures: 0 });
  });
});

function storeAll(tenantId: string, decoder: Decoder, bodies: unknown[]) {
  return withPlatform((db) =>
    storePayloads(
      db,
      bodies.map((body) => ({
        tenantId,
        apiKeyId: null,
        decoder: decoder.action,
        deviceModel: decoder.deviceModel,
        state: "RECEIVED" as const,
        reason: null,
        body,
      })),
    ),
  );
}
