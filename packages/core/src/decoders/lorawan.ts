import { z } from "zod";
import { dateString } from "./fields";

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64");

// Uplinks as LoRaWAN network servers post them to an HTTP integration: the device EUI is
// the reference, the application payload is base64, the time is the reception time.

export interface TUplink {
  devEui: string;
  bytes: Uint8Array;
  receivedAt: Date;
  fPort: number | null;
}

/** The Things Stack v3 webhook, uplink message. */
export const ZTtsUplinkSchema = z.object({
  end_device_ids: z.object({
    device_id: z.string().optional(),
    dev_eui: z.string().regex(/^[0-9A-Fa-f]{16}$/, "must be 16 hex digits"),
  }),
  received_at: dateString.optional(),
  uplink_message: z.object({
    f_port: z.number().int().optional(),
    frm_payload: base64.optional(),
    received_at: dateString.optional(),
  }),
});

/** ChirpStack v4 HTTP integration, "up" event. */
export const ZChirpstackUplinkSchema = z.object({
  time: dateString.optional(),
  deviceInfo: z.object({
    devEui: z.string().regex(/^[0-9A-Fa-f]{16}$/, "must be 16 hex digits"),
    deviceName: z.string().optional(),
  }),
  fPort: z.number().int().optional(),
  data: base64.optional(),
});

function timeOf(...candidates: (string | undefined)[]): Date {
  for (const c of candidates) {
    if (!c) continue;
    const d = new Date(c);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

export function ttsUplink(p: z.infer<typeof ZTtsUplinkSchema>): TUplink {
  return {
    devEui: p.end_device_ids.dev_eui.toUpperCase(),
    bytes: Buffer.from(p.uplink_message.frm_payload ?? "", "base64"),
    receivedAt: timeOf(p.uplink_message.received_at, p.received_at),
    fPort: p.uplink_message.f_port ?? null,
  };
}

export function chirpstackUplink(p: z.infer<typeof ZChirpstackUplinkSchema>): TUplink {
  return {
    devEui: p.deviceInfo.devEui.toUpperCase(),
    bytes: Buffer.from(p.data ?? "", "base64"),
    receivedAt: timeOf(p.time),
    fPort: p.fPort ?? null,
  };
}
