// Realistic payloads for the shipped decoders, as the device or its network server posts
// them: a simulator (scripts/simulate.ts), benchmarks and tests use them. Each simulated
// device keeps a smooth random walk of its readings; pass a seeded random source
// (mulberry32) for reproducible sequences. No imports: the simulator loads this file alone.

export const SIMULATED_ACTIONS = ["tts-elsys", "chirpstack-elsys", "gps-tracker", "json"] as const;
export type TSimulatedAction = (typeof SIMULATED_ACTIONS)[number];

/** A uniform random source in [0, 1). */
export type TRandom = () => number;

/** A tiny seeded PRNG (mulberry32): the same seed gives the same sequence. */
export function mulberry32(seed: number): TRandom {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TElsysSample {
  temperature?: number;
  humidity?: number;
  co2?: number;
  vddMv?: number;
  motion?: number;
  pressure?: number;
}

function checkRange(what: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`Elsys ${what} out of range: ${value}`);
  return value;
}

/**
 * The Elsys bytes of a reading: the inverse of decodeElsys for these fields, with its type
 * bytes and scaling (temperature 0.1 °C int16, humidity %RH byte, motion count byte, CO2
 * ppm uint16, supply mV uint16, pressure 0.001 hPa uint32). Values are rounded to that
 * resolution; values that do not fit throw a RangeError.
 */
export function encodeElsys(reading: TElsysSample): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push((v >> 8) & 0xff, v & 0xff);
  if (reading.temperature !== undefined) {
    out.push(0x01);
    u16(checkRange("temperature", Math.round(reading.temperature * 10), -32768, 32767) & 0xffff);
  }
  if (reading.humidity !== undefined) out.push(0x02, checkRange("humidity", Math.round(reading.humidity), 0, 255));
  if (reading.motion !== undefined) out.push(0x05, checkRange("motion", Math.round(reading.motion), 0, 255));
  if (reading.co2 !== undefined) {
    out.push(0x06);
    u16(checkRange("co2", Math.round(reading.co2), 0, 0xffff));
  }
  if (reading.vddMv !== undefined) {
    out.push(0x07);
    u16(checkRange("vddMv", Math.round(reading.vddMv), 0, 0xffff));
  }
  if (reading.pressure !== undefined) {
    const p = checkRange("pressure", Math.round(reading.pressure * 1000), 0, 0xffffffff);
    out.push(0x14, Math.floor(p / 0x1000000) & 0xff, (p >>> 16) & 0xff, (p >>> 8) & 0xff, p & 0xff);
  }
  return Uint8Array.from(out);
}

const EUI_NIBBLE: Partial<Record<string, string>> = { "tts-elsys": "1", "chirpstack-elsys": "2" };
const MAX_INDEX = 0xfffffffff; // 9 hex digits of an EUI

/**
 * The device reference of simulated device `index` (0, 1, ...) of a decoder. LoRaWAN:
 * "A84041" + one digit per network server (1: TTS, 2: ChirpStack) + the index in 9 hex
 * digits, so both feeding ElsysERS never collide; gps-tracker: sim-tracker-<index>;
 * json: sim-json-<index>.
 */
export function simulatedReference(action: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) throw new RangeError(`bad simulated device index: ${index}`);
  const nibble = EUI_NIBBLE[action];
  if (nibble) return `A84041${nibble}${index.toString(16).toUpperCase().padStart(9, "0")}`;
  if (action === "gps-tracker") return `sim-tracker-${index}`;
  if (action === "json") return `sim-json-${index}`;
  throw new Error(`no simulated devices for decoder ${action}`);
}

/** A random walk step of at most ±step, reflected to stay within [min, max]. */
function walk(random: TRandom, value: number, step: number, min: number, max: number): number {
  let v = value + (random() * 2 - 1) * step;
  if (v > max) v = 2 * max - v;
  if (v < min) v = 2 * min - v;
  return Math.min(max, Math.max(min, v));
}

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const hex = (random: TRandom, digits: number) =>
  Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join("");
const uuid = (random: TRandom) =>
  `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${(8 + Math.floor(random() * 4)).toString(16)}${hex(random, 3)}-${hex(random, 12)}`;

const LYON = { lat: 45.76, lon: 4.84 };
const METRES_PER_DEGREE = 111_320;
const ELSYS_PORT = 5;
const CHIRPSTACK_TENANT = "52f14cd4-c6f1-4fbd-8f87-4025e1d49242";
const CHIRPSTACK_APPLICATION = "0c5a6c4e-51b2-4a1a-9f55-2f3f0b8c5d71";
const CHIRPSTACK_PROFILE = "f4b5c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

/**
 * One simulated device of a decoder: next(at) advances its readings and returns the raw
 * body its vendor or network server would post at that time.
 */
export class SimulatedDevice {
  readonly reference: string;
  private temperature: number;
  private humidity: number;
  private co2: number;
  private battery: number;
  private pressure: number;
  private power: number;
  private frameCount: number;
  private lat: number;
  private lon: number;
  private altitude: number;
  private heading: number;
  private readonly home: { lat: number; lon: number };

  constructor(
    readonly action: TSimulatedAction,
    readonly index: number,
    private readonly random: TRandom = Math.random,
  ) {
    if (!SIMULATED_ACTIONS.includes(action)) throw new Error(`no simulated devices for decoder ${action}`);
    this.reference = simulatedReference(action, index);
    this.temperature = 19 + random() * 6;
    this.humidity = 35 + random() * 20;
    this.co2 = 450 + random() * 500;
    this.battery = 93 + random() * 3;
    this.pressure = 1008 + random() * 10;
    this.power = 200 + random() * 1500;
    this.frameCount = Math.floor(random() * 1000);
    // trackers start on a spiral around Lyon, a few hundred metres apart
    const r = 0.004 * Math.sqrt(index + 1);
    const angle = index * 2.399963;
    this.home = {
      lat: LYON.lat + r * Math.cos(angle),
      lon: LYON.lon + (r * Math.sin(angle)) / Math.cos((LYON.lat * Math.PI) / 180),
    };
    this.lat = this.home.lat;
    this.lon = this.home.lon;
    this.altitude = 170 + random() * 60;
    this.heading = random() * 2 * Math.PI;
  }

  next(at: Date): unknown {
    this.step();
    switch (this.action) {
      case "tts-elsys":
        return this.tts(at);
      case "chirpstack-elsys":
        return this.chirpstack(at);
      case "gps-tracker":
        return this.tracker(at);
      case "json":
        return this.json(at);
    }
  }

  private step(): void {
    const r = this.random;
    this.temperature = walk(r, this.temperature, 0.15, 18, 26);
    this.humidity = walk(r, this.humidity, 0.5, 30, 60);
    this.co2 = walk(r, this.co2, 25, 400, 1400);
    this.pressure = walk(r, this.pressure, 0.2, 990, 1035);
    this.power = walk(r, this.power, 60, 0, 3000);
    this.battery = Math.max(5, this.battery - 0.002 - r() * 0.004);
    this.frameCount = (this.frameCount + 1) % 0x10000;
    if (this.action === "gps-tracker") this.move();
  }

  /** A few metres to tens of metres per step, turning back toward home beyond ~3 km. */
  private move(): void {
    const r = this.random;
    const distance = 3 + r() * 37;
    const cosLat = Math.cos((this.lat * Math.PI) / 180);
    const north = (this.home.lat - this.lat) * METRES_PER_DEGREE;
    const east = (this.home.lon - this.lon) * METRES_PER_DEGREE * cosLat;
    if (Math.hypot(north, east) > 3000) this.heading = Math.atan2(east, north);
    else this.heading += (r() * 2 - 1) * 0.5;
    this.lat += (distance * Math.cos(this.heading)) / METRES_PER_DEGREE;
    this.lon += (distance * Math.sin(this.heading)) / (METRES_PER_DEGREE * cosLat);
    this.altitude = walk(r, this.altitude, 1, 160, 320);
  }

  private elsysBytes(): string {
    const motion = this.random() < 0.3 ? 1 + Math.floor(this.random() * 6) : 0;
    return base64(
      encodeElsys({
        temperature: this.temperature,
        humidity: this.humidity,
        motion,
        co2: this.co2,
        vddMv: 2500 + (this.battery / 100) * 1100,
        pressure: this.pressure,
      }),
    );
  }

  private radio() {
    return { rssi: -Math.round(60 + this.random() * 55), snr: round(-5 + this.random() * 15, 1) };
  }

  private tts(at: Date) {
    const devEui = this.reference;
    const { rssi, snr } = this.radio();
    return {
      end_device_ids: {
        device_id: `eui-${devEui.toLowerCase()}`,
        application_ids: { application_id: "sim-elsys" },
        dev_eui: devEui,
        dev_addr: `260B${devEui.slice(-4)}`,
      },
      correlation_ids: [`as:up:${hex(this.random, 26).toUpperCase()}`],
      received_at: new Date(at.getTime() + 35).toISOString(),
      uplink_message: {
        f_port: ELSYS_PORT,
        f_cnt: this.frameCount,
        frm_payload: this.elsysBytes(),
        rx_metadata: [{ gateway_ids: { gateway_id: "sim-gateway-lyon" }, rssi, channel_rssi: rssi, snr }],
        settings: {
          data_rate: { lora: { bandwidth: 125000, spreading_factor: 7, coding_rate: "4/5" } },
          frequency: "868100000",
        },
        received_at: at.toISOString(),
        consumed_airtime: "0.066816s",
      },
    };
  }

  private chirpstack(at: Date) {
    const { rssi, snr } = this.radio();
    return {
      deduplicationId: uuid(this.random),
      time: at.toISOString(),
      deviceInfo: {
        tenantId: CHIRPSTACK_TENANT,
        tenantName: "Simulation",
        applicationId: CHIRPSTACK_APPLICATION,
        applicationName: "sim-elsys",
        deviceProfileId: CHIRPSTACK_PROFILE,
        deviceProfileName: "Elsys ERS",
        deviceName: `ers-${this.index}`,
        devEui: this.reference.toLowerCase(),
        deviceClassEnabled: "CLASS_A",
        tags: {},
      },
      devAddr: `260c${this.reference.slice(-4).toLowerCase()}`,
      adr: true,
      dr: 5,
      fCnt: this.frameCount,
      fPort: ELSYS_PORT,
      confirmed: false,
      data: this.elsysBytes(),
      rxInfo: [{ gatewayId: "a840410000000001", uplinkId: Math.floor(this.random() * 65536), rssi, snr, context: "AAAAAA==" }],
      txInfo: { frequency: 868100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 7, codeRate: "CR_4_5" } } },
    };
  }

  private tracker(at: Date) {
    return {
      id: this.reference,
      lat: round(this.lat, 6),
      lon: round(this.lon, 6),
      timestamp: Math.floor(at.getTime() / 1000),
      altitude: round(this.altitude, 1),
      accuracy: round(3 + this.random() * 12, 1),
      batt: round(this.battery, 1),
    };
  }

  private json(at: Date) {
    const measure = (name: string, values: Record<string, unknown>) => ({ name, type: name, values });
    return {
      reference: this.reference,
      measuredAt: at.toISOString(),
      measures: [
        measure("temperature", { temperature: round(this.temperature, 2) }),
        measure("humidity", { humidity: round(this.humidity, 1) }),
        measure("co2", { co2: Math.round(this.co2) }),
        measure("pressure", { pressure: round(this.pressure, 1) }),
        measure("power", { power: round(this.power, 1) }),
        measure("battery", { battery: Math.round(this.battery) }),
        measure("movement", { movement: this.random() < 0.2 }),
      ],
    };
  }
}
