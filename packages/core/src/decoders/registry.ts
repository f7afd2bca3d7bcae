import type { PlatformDb } from "@iot/db";
import { ZDeviceModelSchema, writeDeviceModel } from "../twins/models";
import type { Decoder } from "./decoder";

// Decoders registered in code, by action (their route name).
const decoders = new Map<string, Decoder>();

export function registerDecoder(decoder: Decoder): void {
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(decoder.action)) throw new Error(`decoder action must be kebab-case: ${decoder.action}`);
  decoders.set(decoder.action, decoder);
}

export function getDecoder(action: string): Decoder | undefined {
  return decoders.get(action);
}

/** The decoder of a device model (the payloads route `POST /api/payloads` picks by deviceModel). */
export function decoderForModel(deviceModel: string): Decoder | undefined {
  for (const d of decoders.values()) if (d.deviceModel === deviceModel) return d;
  return undefined;
}

export function listDecoders(baseUrl = "") {
  return [...decoders.values()].map((d) => ({
    action: d.action,
    deviceModel: d.deviceModel,
    description: d.description,
    measures: d.measures.map((m) => ({ ...m })),
    route: `${baseUrl}/api/payloads/${d.action}`,
  }));
}

/** The device model of every decoder, written when missing (auto-provisioning needs them). */
export async function ensureDecoderModels(db: PlatformDb): Promise<void> {
  for (const d of decoders.values()) {
    if (await db.deviceModel.findUnique({ where: { model: d.deviceModel }, select: { model: true } })) continue;
    await writeDeviceModel(db, ZDeviceModelSchema.parse({ model: d.deviceModel, measures: d.measures, decoder: d.action }));
  }
}
