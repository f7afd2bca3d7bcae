import type { z } from "zod";
import { AppError } from "../errors";
import type { TMeasureInput } from "../measures/ingest";

// Decoders turn the raw payload a device or a network server posts into measures of
// devices: one class per payload format, registered in code. As in the reference
// platform: validate(payload) says VALID (true), SKIP (false) or ERROR (throws with a
// reason); decode(payload, decoded) calls decoded.addMeasurement / addMetadata.

export interface TDecodedDevice {
  reference: string;
  measures: TMeasureInput[];
  metadata: Record<string, unknown>;
}

/** What a decoder fills for one payload: measures and metadata per device reference. */
export class DecodedPayload {
  readonly devices = new Map<string, TDecodedDevice>();

  private device(reference: string): TDecodedDevice {
    let d = this.devices.get(reference);
    if (!d) {
      d = { reference, measures: [], metadata: {} };
      this.devices.set(reference, d);
    }
    return d;
  }

  addMeasurement(
    reference: string,
    name: string,
    measure: { measuredAt: Date; type: string; values: Record<string, unknown> },
  ): void {
    this.device(reference).measures.push({ name, ...measure });
  }

  addMetadata(reference: string, metadata: Record<string, unknown>): void {
    Object.assign(this.device(reference).metadata, metadata);
  }

  get measureCount(): number {
    let n = 0;
    for (const d of this.devices.values()) n += d.measures.length;
    return n;
  }
}

export abstract class Decoder<P = unknown> {
  /** The route name: POST /api/payloads/<action>. */
  abstract readonly action: string;
  abstract readonly deviceModel: string;
  abstract readonly measures: readonly { name: string; type: string }[];
  readonly description: string = "";
  /** When given, a payload that does not match is an ERROR with the schema's message. */
  readonly payloadSchema?: z.ZodType<P>;

  /** true: VALID; false: SKIP (stored, nothing decoded); throws: ERROR with the reason. */
  validate(payload: unknown): boolean {
    if (!this.payloadSchema) return true;
    const parsed = this.payloadSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw AppError.badRequest(
        `payload refused by ${this.action}: ${issue ? `${issue.path.join(".") || "(payload)"}: ${issue.message}` : "invalid"}`,
      );
    }
    return true;
  }

  abstract decode(payload: P, decoded: DecodedPayload): void | Promise<void>;

  /**
   * The device a valid payload is about, read without decoding: the webhook routes each
   * payload to a pipeline shard by it, so one device's payloads stay in order. A decoder
   * that cannot tell returns "" (its payloads then share one shard).
   */
  routingKey(_payload: P): string {
    return "";
  }

  /**
   * Whether a valid payload says when it was measured (or received by its network
   * server). Such a payload posted again is the same payload: its id is derived from its
   * content and the second post is answered DUPLICATE, storing nothing twice. Without a
   * time, two equal bodies are two readings.
   */
  carriesTime(_payload: P): boolean {
    return false;
  }

  /** Validates then decodes; decoding nothing is an error (as in the reference platform). */
  async run(payload: unknown): Promise<{ state: "VALID"; decoded: DecodedPayload } | { state: "SKIP" }> {
    if (!this.validate(payload)) return { state: "SKIP" };
    const decoded = new DecodedPayload();
    await this.decode(payload as P, decoded);
    if (decoded.measureCount === 0) throw AppError.badRequest(`${this.action} decoded no measure from this payload`);
    return { state: "VALID", decoded };
  }
}
