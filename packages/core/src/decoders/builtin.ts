import { z } from "zod";
import { type DecodedPayload, Decoder } from "./decoder";
import { dateString, numberLike } from "./fields";
import { batteryPercent, decodeElsys } from "./elsys";
import { type TUplink, ZChirpstackUplinkSchema, ZTtsUplinkSchema, chirpstackUplink, ttsUplink } from "./lorawan";
import { registerDecoder } from "./registry";

// The decoders this platform ships.

const ELSYS_MEASURES = [
  { name: "temperature", type: "temperature" },
  { name: "humidity", type: "humidity" },
  { name: "co2", type: "co2" },
  { name: "battery", type: "battery" },
  { name: "movement", type: "movement" },
  { name: "pressure", type: "pressure" },
] as const;

/** An Elsys reading as measures of the device with this EUI. */
function addElsys(uplink: TUplink, decoded: DecodedPayload): void {
  const r = decodeElsys(uplink.bytes);
  const at = uplink.receivedAt;
  const add = (name: string, type: string, values: Record<string, unknown>) =>
    decoded.addMeasurement(uplink.devEui, name, { measuredAt: at, type, values });
  if (r.temperature !== undefined) add("temperature", "temperature", { temperature: r.temperature });
  if (r.humidity !== undefined) add("humidity", "humidity", { humidity: r.humidity });
  if (r.co2 !== undefined) add("co2", "co2", { co2: r.co2 });
  if (r.vddMv !== undefined) add("battery", "battery", { battery: batteryPercent(r.vddMv) });
  if (r.motion !== undefined) add("movement", "movement", { movement: r.motion > 0 });
  if (r.pressure !== undefined) add("pressure", "pressure", { pressure: r.pressure });
}

class TtsElsysDecoder extends Decoder<z.infer<typeof ZTtsUplinkSchema>> {
  readonly action = "tts-elsys";
  readonly deviceModel = "ElsysERS";
  readonly measures = ELSYS_MEASURES;
  override readonly description = "Elsys ERS sensors through a The Things Stack v3 webhook (uplink messages)";
  override readonly payloadSchema = ZTtsUplinkSchema;
  override validate(payload: unknown): boolean {
    // a join accept or an uplink with no application payload is stored, not decoded
    return super.validate(payload) && Boolean((payload as z.infer<typeof ZTtsUplinkSchema>).uplink_message.frm_payload);
  }
  override routingKey(payload: z.infer<typeof ZTtsUplinkSchema>) {
    return payload.end_device_ids.dev_eui.toUpperCase();
  }
  override carriesTime(payload: z.infer<typeof ZTtsUplinkSchema>) {
    return Boolean(payload.uplink_message.received_at ?? payload.received_at);
  }
  decode(payload: z.infer<typeof ZTtsUplinkSchema>, decoded: DecodedPayload) {
    addElsys(ttsUplink(payload), decoded);
  }
}

class ChirpstackElsysDecoder extends Decoder<z.infer<typeof ZChirpstackUplinkSchema>> {
  readonly action = "chirpstack-elsys";
  readonly deviceModel = "ElsysERS";
  readonly measures = ELSYS_MEASURES;
  override readonly description = "Elsys ERS sensors through a ChirpStack v4 HTTP integration (up events)";
  override readonly payloadSchema = ZChirpstackUplinkSchema;
  override validate(payload: unknown): boolean {
    return super.validate(payload) && Boolean((payload as z.infer<typeof ZChirpstackUplinkSchema>).data);
  }
  override routingKey(payload: z.infer<typeof ZChirpstackUplinkSchema>) {
    return payload.deviceInfo.devEui.toUpperCase();
  }
  override carriesTime(payload: z.infer<typeof ZChirpstackUplinkSchema>) {
    return Boolean(payload.time);
  }
  decode(payload: z.infer<typeof ZChirpstackUplinkSchema>, decoded: DecodedPayload) {
    addElsys(chirpstackUplink(payload), decoded);
  }
}

/** Trackers posting OsmAnd-style JSON (the protocol of Traccar Client): id, lat, lon, timestamp, batt... */
const ZTrackerSchema = z.object({
  id: z.union([z.string().min(1).max(128), z.number().int()]),
  lat: numberLike.pipe(z.number().min(-90).max(90)),
  lon: numberLike.pipe(z.number().min(-180).max(180)),
  /** Unix seconds or milliseconds, or an ISO date. */
  timestamp: z.union([z.number().positive(), dateString]).optional(),
  altitude: numberLike.pipe(z.number().min(-1000).max(100_000)).optional(),
  accuracy: numberLike.pipe(z.number().min(0)).optional(),
  batt: numberLike.pipe(z.number().min(0).max(100)).optional(),
});

class GpsTrackerDecoder extends Decoder<z.infer<typeof ZTrackerSchema>> {
  readonly action = "gps-tracker";
  readonly deviceModel = "GpsTracker";
  readonly measures = [
    { name: "position", type: "position" },
    { name: "battery", type: "battery" },
  ] as const;
  override readonly description = "GPS trackers posting OsmAnd-style JSON (id, lat, lon, timestamp, altitude, accuracy, batt)";
  override readonly payloadSchema = ZTrackerSchema;
  override routingKey(p: z.infer<typeof ZTrackerSchema>) {
    return String(p.id);
  }
  override carriesTime(p: z.infer<typeof ZTrackerSchema>) {
    return p.timestamp !== undefined;
  }
  decode(p: z.infer<typeof ZTrackerSchema>, decoded: DecodedPayload) {
    const reference = String(p.id);
    const at =
      typeof p.timestamp === "number"
        ? new Date(p.timestamp < 1e12 ? p.timestamp * 1000 : p.timestamp)
        : p.timestamp
          ? new Date(p.timestamp)
          : new Date();
    if (Number.isNaN(at.getTime())) throw new Error("timestamp is not a date");
    decoded.addMeasurement(reference, "position", {
      measuredAt: at,
      type: "position",
      values: {
        position: { lat: p.lat, lon: p.lon },
        ...(p.altitude !== undefined ? { altitude: p.altitude } : {}),
        ...(p.accuracy !== undefined ? { accuracy: p.accuracy } : {}),
      },
    });
    if (p.batt !== undefined)
      decoded.addMeasurement(reference, "battery", { measuredAt: at, type: "battery", values: { battery: Math.round(p.batt) } });
  }
}

/** Any device posting already-structured JSON: { reference, measures: [{ name, type, values, measuredAt? }] }. */
const ZGenericSchema = z.object({
  reference: z.string().min(1).max(128),
  measuredAt: dateString.optional(),
  measures: z
    .array(
      z.object({
        name: z.string().min(1).max(40),
        type: z.string().min(1).max(40),
        values: z.record(z.string(), z.unknown()),
        measuredAt: dateString.optional(),
      }),
    )
    .min(1)
    .max(1000),
});

class GenericJsonDecoder extends Decoder<z.infer<typeof ZGenericSchema>> {
  readonly action = "json";
  readonly deviceModel = "GenericJson";
  readonly measures = [
    { name: "temperature", type: "temperature" },
    { name: "humidity", type: "humidity" },
    { name: "co2", type: "co2" },
    { name: "pressure", type: "pressure" },
    { name: "power", type: "power" },
    { name: "battery", type: "battery" },
    { name: "movement", type: "movement" },
    { name: "position", type: "position" },
  ] as const;
  override readonly description =
    "Devices posting structured JSON: { reference, measuredAt?, measures: [{ name, type, values, measuredAt? }] }";
  override readonly payloadSchema = ZGenericSchema;
  override routingKey(p: z.infer<typeof ZGenericSchema>) {
    return p.reference;
  }
  override carriesTime(p: z.infer<typeof ZGenericSchema>) {
    return Boolean(p.measuredAt) || p.measures.every((m) => Boolean(m.measuredAt));
  }
  decode(p: z.infer<typeof ZGenericSchema>, decoded: DecodedPayload) {
    for (const m of p.measures) {
      const at = new Date(m.measuredAt ?? p.measuredAt ?? Date.now());
      if (Number.isNaN(at.getTime())) throw new Error(`measuredAt of ${m.name} is not a date`);
      decoded.addMeasurement(p.reference, m.name, { measuredAt: at, type: m.type, values: m.values });
    }
  }
}

registerDecoder(new TtsElsysDecoder());
registerDecoder(new ChirpstackElsysDecoder());
registerDecoder(new GpsTrackerDecoder());
registerDecoder(new GenericJsonDecoder());
