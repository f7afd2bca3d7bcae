import { describe, expect, it } from "vitest";
import { decodeElsys } from "./elsys";
import { getDecoder } from "./registry";
import { SIMULATED_ACTIONS, SimulatedDevice, encodeElsys, mulberry32, simulatedReference } from "./samples";
import "./builtin";

const AT = new Date("2026-11-20T10:00:01.234Z");

const EXPECTED: Record<(typeof SIMULATED_ACTIONS)[number], string[]> = {
  "tts-elsys": ["temperature", "humidity", "co2", "battery", "movement", "pressure"],
  "chirpstack-elsys": ["temperature", "humidity", "co2", "battery", "movement", "pressure"],
  "gps-tracker": ["position", "battery"],
  json: ["temperature", "humidity", "co2", "pressure", "power", "battery", "movement"],
};

/** Each measure's values within what the simulation promises. */
function checkRealistic(name: string, values: Record<string, unknown>) {
  const n = (key: string) => values[key] as number;
  switch (name) {
    case "temperature":
      expect(n("temperature")).toBeGreaterThanOrEqual(18);
      expect(n("temperature")).toBeLessThanOrEqual(26);
      break;
    case "humidity":
      expect(n("humidity")).toBeGreaterThanOrEqual(30);
      expect(n("humidity")).toBeLessThanOrEqual(60);
      break;
    case "co2":
      expect(n("co2")).toBeGreaterThanOrEqual(400);
      expect(n("co2")).toBeLessThanOrEqual(1400);
      break;
    case "pressure":
      expect(n("pressure")).toBeGreaterThan(980);
      expect(n("pressure")).toBeLessThan(1045);
      break;
    case "power":
      expect(n("power")).toBeGreaterThanOrEqual(0);
      expect(n("power")).toBeLessThanOrEqual(3000);
      break;
    case "battery":
      expect(Number.isInteger(n("battery"))).toBe(true);
      expect(n("battery")).toBeGreaterThanOrEqual(85);
      expect(n("battery")).toBeLessThanOrEqual(97);
      break;
    case "movement":
      expect(typeof values.movement).toBe("boolean");
      break;
    case "position": {
      const p = values.position as { lat: number; lon: number };
      expect(Math.abs(p.lat - 45.76)).toBeLessThan(0.1);
      expect(Math.abs(p.lon - 4.84)).toBeLessThan(0.1);
      expect(n("altitude")).toBeGreaterThan(100);
      expect(n("accuracy")).toBeGreaterThan(0);
      break;
    }
    default:
      throw new Error(`unexpected measure ${name}`);
  }
}

describe("simulated payloads", () => {
  for (const action of SIMULATED_ACTIONS) {
    it(`${action}: decoded VALID, as the simulated device, with realistic measures at the given time`, async () => {
      const random = mulberry32(7);
      for (const index of [0, 3, 250]) {
        const device = new SimulatedDevice(action, index, random);
        for (let step = 0; step < 50; step++) {
          const at = new Date(AT.getTime() + step * 60_000);
          const body = JSON.parse(JSON.stringify(device.next(at)));
          const result = await getDecoder(action)?.run(body);
          if (result?.state !== "VALID") throw new Error(`expected VALID, got ${result?.state}`);
          expect([...result.decoded.devices.keys()]).toEqual([simulatedReference(action, index)]);
          const measures = result.decoded.devices.get(device.reference)?.measures ?? [];
          expect(measures.map((m) => m.name)).toEqual(EXPECTED[action]);
          for (const m of measures) {
            expect(m.type).toBe(m.name);
            // OsmAnd timestamps are unix seconds
            const expected = action === "gps-tracker" ? Math.floor(at.getTime() / 1000) * 1000 : at.getTime();
            expect(m.measuredAt.getTime()).toBe(expected);
            checkRealistic(m.name, m.values);
          }
        }
      }
    });
  }

  it("is reproducible with a seeded random source, and walks smoothly", () => {
    const a = new SimulatedDevice("json", 1, mulberry32(99));
    const b = new SimulatedDevice("json", 1, mulberry32(99));
    expect(a.next(AT)).toEqual(b.next(AT));
    const tracker = new SimulatedDevice("gps-tracker", 2, mulberry32(5));
    let previous = tracker.next(AT) as { lat: number; lon: number };
    for (let i = 1; i < 100; i++) {
      const p = tracker.next(new Date(AT.getTime() + i * 10_000)) as { lat: number; lon: number };
      const metres = Math.hypot((p.lat - previous.lat) * 111_320, (p.lon - previous.lon) * 111_320 * Math.cos(0.7987));
      expect(metres).toBeGreaterThan(1);
      expect(metres).toBeLessThan(60);
      previous = p;
    }
  });
});

describe("encodeElsys", () => {
  it("is the inverse of decodeElsys, negative temperatures included", () => {
    const readings = [
      { temperature: 22.6, humidity: 41, motion: 6, co2: 776, vddMv: 3426 },
      { temperature: -20, humidity: 0, co2: 0, vddMv: 2500, motion: 0, pressure: 1014.606 },
      { temperature: -0.1 },
      { temperature: -32.5, pressure: 987.001 },
      { humidity: 100, co2: 65535, vddMv: 3600 },
      {},
    ];
    for (const r of readings) expect(decodeElsys(encodeElsys(r))).toEqual(r);
    // the vendor's example, without light (not encoded)
    expect(Buffer.from(encodeElsys({ temperature: 22.6, humidity: 41, motion: 6, co2: 776, vddMv: 3426 })).toString("hex")).toBe(
      "0100e202290506060308070d62",
    );
    expect(Buffer.from(encodeElsys({ temperature: -20 })).toString("hex")).toBe("01ff38");
    expect(() => encodeElsys({ humidity: 300 })).toThrow(RangeError);
  });
});

describe("simulatedReference", () => {
  it("is distinct across decoders and indexes, and LoRaWAN ones are 16 uppercase hex digits", () => {
    const all = new Set<string>();
    for (const action of SIMULATED_ACTIONS)
      for (let i = 0; i < 500; i++) {
        const ref = simulatedReference(action, i);
        expect(simulatedReference(action, i)).toBe(ref);
        all.add(ref);
        if (action.endsWith("-elsys")) expect(ref).toMatch(/^[0-9A-F]{16}$/);
      }
    expect(all.size).toBe(4 * 500);
    expect(simulatedReference("tts-elsys", 0x1a)).toBe("A84041100000001A");
    expect(simulatedReference("gps-tracker", 4)).toBe("sim-tracker-4");
    expect(simulatedReference("json", 4)).toBe("sim-json-4");
    expect(() => simulatedReference("nope", 1)).toThrow();
  });
});
