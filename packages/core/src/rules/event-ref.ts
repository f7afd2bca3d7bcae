import { z } from "zod";

// An event as it travels to the rules queue: small, with the ids of its twins (loaded
// with their metadata when rules are evaluated) and a key that makes it idempotent.

export const ZEventRef = z.object({
  event: z.string().max(64),
  /** Unique per event: a rule runs at most once per (rule, key). */
  key: z.string().min(1).max(300),
  at: z.string().max(40),
  deviceId: z.string().uuid().nullable().default(null),
  assetId: z.string().uuid().nullable().default(null),
  measure: z
    .object({
      name: z.string(),
      slot: z.string().nullable(),
      type: z.string(),
      measuredAt: z.string(),
      values: z.record(z.string(), z.unknown()),
    })
    .optional(),
  /** The rest of the event's payload (alert, changed fields, payload...). */
  data: z.record(z.string(), z.unknown()).default({}),
  /** How many rule runs led to it: events from rules stop at MAX_RULE_DEPTH. */
  depth: z.number().int().min(0).max(10).default(0),
});
export type TEventRef = z.input<typeof ZEventRef>;
export type TEventRefParsed = z.output<typeof ZEventRef>;

/** Rules that raise alerts that trigger rules...: a chain stops after this many links. */
export const MAX_RULE_DEPTH = 3;

/** Each measure a device or asset received as one event. */
export function measureEvents(input: {
  deviceId: string | null;
  assetId: string | null;
  originId: string;
  measures: { name: string; slot: string | null; type: string; measuredAt: Date | string; values: Record<string, unknown> }[];
}): TEventRef[] {
  return input.measures.map((m) => {
    const measuredAt = typeof m.measuredAt === "string" ? m.measuredAt : m.measuredAt.toISOString();
    return {
      event: "measures.processed",
      key: `m:${input.originId}:${m.name}:${measuredAt}`,
      at: measuredAt,
      deviceId: input.deviceId,
      assetId: input.assetId,
      measure: { name: m.name, slot: m.slot, type: m.type, measuredAt, values: m.values },
    };
  });
}

/** An alert raised or cleared, as an event for the tenant's rules. */
export function alertEvent(
  event: "alert.raised" | "alert.cleared",
  alert: {
    id: string;
    ruleId: string | null;
    ruleName: string;
    severity: string;
    message: string;
    status: string;
    twin: { kind: "asset" | "device"; id: string };
  },
  depth: number,
): TEventRef {
  const { twin, ...rest } = alert;
  return {
    event,
    key: `${event}:${alert.id}`,
    at: new Date().toISOString(),
    deviceId: twin.kind === "device" ? twin.id : null,
    assetId: twin.kind === "asset" ? twin.id : null,
    data: {
      alert: {
        id: rest.id,
        ruleId: rest.ruleId,
        ruleName: rest.ruleName,
        severity: rest.severity,
        message: rest.message,
        status: rest.status,
      },
    },
    depth,
  };
}

/** The web process says a schedule or a rule changed; the worker syncs its timers. */
export const SCHEDULES_CHANGED_CHANNEL = "iot:schedules:changed";

/** A payload the pipeline refused, as an event for its tenant's rules. */
export function payloadErrorEvent(p: { id: string; decoder: string; deviceModel: string; reason: string }): TEventRef {
  return {
    event: "payload.error",
    key: `payload.error:${p.id}`,
    at: new Date().toISOString(),
    data: { payload: { id: p.id, decoder: p.decoder, deviceModel: p.deviceModel, reason: p.reason } },
  };
}
