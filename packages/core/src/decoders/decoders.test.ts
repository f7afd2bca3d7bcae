import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { batteryPercent, decodeElsys } from "./elsys";
import { ensureDecoderModels, getDecoder, listDecoders } from "./registry";
import "./builtin";

// Elsys' published example of an ERS CO2 uplink: 22.6 °C, 41 %RH, 39 lux, 6 motions,
// 776 ppm CO2, 3426 mV.
const ELSYS_EXAMPLE = "0100e202290400270506060308070d62";
const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

describe("Elsys payload", () => {
  it("decodes the vendor's example", () => {
    expect(decodeElsys(Buffer.from(ELSYS_EXAMPLE, "hex"))).toEqual({
      temperature: 22.6,
      humidity: 41,
      light: 39,
      motion: 6,
      co2: 776,
      vddMv: 3426,
    });
    expect(batteryPercent(3426)).toBe(84);
  });

  it("reads negative temperatures and pressure, and refuses truncated or unknown data", () => {
    expect(decodeElsys(Buffer.from("01ff38", "hex")).temperature).toBe(-20);
    expect(decodeElsys(Buffer.from("14000f7b4e", "hex")).pressure).toBeCloseTo(1014.606, 3);
    expect(() => decodeElsys(Buffer.from("0100", "hex"))).toThrow(/ends inside temperature/);
    expect(() => decodeElsys(Buffer.from("ee01", "hex"))).toThrow(/0xee is not supported/);
  });
});

describe("decoders", () => {
  it("The Things Stack v3 uplink: device EUI as reference, reception time, Elsys measures", async () => {
    const decoder = getDecoder("tts-elsys");
    const result = await decoder?.run({
      end_device_ids: { device_id: "eui-70b3d57ed0001234", dev_eui: "70B3D57ED0001234" },
      received_at: "2026-11-20T10:00:01.500Z",
      uplink_message: { f_port: 5, frm_payload: b64(ELSYS_EXAMPLE), received_at: "2026-11-20T10:00:01.200Z" },
    });
    if (result?.state !== "VALID") throw new Error("expected VALID");
    const device = result.decoded.devices.get("70B3D57ED0001234");
    expect(device?.measures.map((m) => [m.name, m.values])).toEqual([
      ["temperature", { temperature: 22.6 }],
      ["humidity", { humidity: 41 }],
      ["co2", { co2: 776 }],
      ["battery", { battery: 84 }],
      ["movement", { movement: true }],
    ]);
    expect(device?.measures[0]?.measuredAt.toISOString()).toBe("2026-11-20T10:00:01.200Z");
  });

  it("an uplink with no application payload is SKIP; a malformed one is an ERROR with a reason", async () => {
    const decoder = getDecoder("tts-elsys");
    expect(await decoder?.run({ end_device_ids: { dev_eui: "70B3D57ED0001234" }, uplink_message: { f_port: 0 } })).toEqual({
      state: "SKIP",
    });
    const error = await decoder?.run({ end_device_ids: {}, uplink_message: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/end_device_ids\.dev_eui/);
  });

  it("ChirpStack v4 up event", async () => {
    const result = await getDecoder("chirpstack-elsys")?.run({
      time: "2026-11-20T10:05:00Z",
      deviceInfo: { devEui: "0101010101010101", deviceName: "office" },
      fPort: 1,
      data: b64("0100f5023c"),
    });
    if (result?.state !== "VALID") throw new Error("expected VALID");
    expect(result.decoded.devices.get("0101010101010101")?.measures.map((m) => m.values)).toEqual([
      { temperature: 24.5 },
      { humidity: 60 },
    ]);
  });

  it("GPS tracker and generic JSON", async () => {
    const tracker = await getDecoder("gps-tracker")?.run({
      id: "truck-7",
      lat: 48.8566,
      lon: 2.3522,
      timestamp: 1795000000,
      altitude: 35,
      batt: 76.4,
    });
    if (tracker?.state !== "VALID") throw new Error("expected VALID");
    expect(tracker.decoded.devices.get("truck-7")?.measures).toEqual([
      {
        name: "position",
        type: "position",
        measuredAt: new Date(1795000000 * 1000),
        values: { position: { lat: 48.8566, lon: 2.3522 }, altitude: 35 },
      },
      { name: "battery", type: "battery", measuredAt: new Date(1795000000 * 1000), values: { battery: 76 } },
    ]);
    await expect(getDecoder("gps-tracker")?.run({ id: "x", lat: 123, lon: 0 })).rejects.toThrow(/lat/);
    const generic = await getDecoder("json")?.run({
      reference: "g-1",
      measures: [{ name: "co2", type: "co2", values: { co2: 500 }, measuredAt: "2026-11-20T00:00:00Z" }],
    });
    expect(generic?.state).toBe("VALID");
  });

  it("refuse wrong types instead of reading them as 0 or failing later: numbers, dates, base64", () => {
    const gps = getDecoder("gps-tracker");
    expect(gps?.validate({ id: "t", lat: "45.76", lon: "4.84", batt: "80" })).toBe(true); // numbers as text: OsmAnd does
    for (const bad of [null, false, "", [], "north", true])
      expect(() => gps?.validate({ id: "t", lat: bad, lon: 4.8 }), String(bad)).toThrow(/lat/);
    expect(() => gps?.validate({ id: "t", lat: 1, lon: 2, timestamp: true })).toThrow(/timestamp/);
    expect(() => gps?.validate({ id: "t", lat: 1, lon: 2, timestamp: "yesterday-ish" })).toThrow(/timestamp/);
    const tts = getDecoder("tts-elsys");
    expect(() =>
      tts?.validate({
        end_device_ids: { dev_eui: "A84041000181C65A" },
        uplink_message: { frm_payload: "AQ==", received_at: "abc" },
      }),
    ).toThrow(/received_at: must be a date/);
    expect(() =>
      tts?.validate({ end_device_ids: { dev_eui: "A84041000181C65A" }, uplink_message: { frm_payload: "not base64!" } }),
    ).toThrow(/frm_payload: must be base64/);
    expect(() =>
      getDecoder("json")?.validate({
        reference: "r",
        measures: [{ name: "temperature", type: "temperature", values: { temperature: 1 }, measuredAt: "soon" }],
      }),
    ).toThrow(/measuredAt: must be a date/);
  });

  it("are listed with their measures and routes, and their device models exist for provisioning", async () => {
    const list = listDecoders("http://localhost:3001");
    expect(list.map((d) => d.action).sort()).toEqual(["chirpstack-elsys", "gps-tracker", "json", "tts-elsys"]);
    expect(list.find((d) => d.action === "gps-tracker")).toMatchObject({
      deviceModel: "GpsTracker",
      route: "http://localhost:3001/api/payloads/gps-tracker",
    });
    await withPlatform((db) => ensureDecoderModels(db));
    const models = await withPlatform((db) =>
      db.deviceModel.findMany({
        where: { model: { in: ["ElsysERS", "GpsTracker", "GenericJson"] } },
        select: { model: true, decoder: true },
      }),
    );
    expect(models.map((m) => m.model).sort()).toEqual(["ElsysERS", "GenericJson", "GpsTracker"]);
  });
});
