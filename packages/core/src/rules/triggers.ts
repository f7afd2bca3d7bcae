import { CronExpressionParser } from "cron-parser";
import { z } from "zod";

// What can start a rule: a domain event from this typed list, or a schedule. Each event
// has the JSON payload rules see (conditions test it, templates read it); the console
// and `rules.listTriggers` get its JSON Schema. Events about a twin carry it as `twin`
// (the asset when the device is linked to one, else the device), besides `device` and
// `asset`, so one condition works whatever twin the event is about.

const ZTwin = z.object({
  kind: z.enum(["asset", "device"]),
  id: z.string(),
  model: z.string(),
  reference: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const ZMeasure = z.object({
  name: z.string().describe("the device's measure name"),
  slot: z.string().nullable().describe("the asset slot it fills, when the device is linked"),
  type: z.string(),
  measuredAt: z.string().describe("ISO date-time"),
  values: z.record(z.string(), z.unknown()).describe("e.g. { temperature: 21.5 }"),
});

const ZAlert = z.object({
  id: z.string(),
  ruleId: z.string().nullable(),
  ruleName: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  message: z.string(),
  status: z.enum(["active", "acknowledged", "cleared"]),
});

const base = { event: z.string(), at: z.string().describe("when the event happened, ISO date-time") };
const twinBase = { ...base, twin: ZTwin, device: ZTwin.nullable(), asset: ZTwin.nullable() };

export const TRIGGER_EVENTS = {
  "measures.processed": {
    label: "A measure is received",
    description: "Each measure a device sends (through the pipeline) or a program pushes, once stored.",
    payload: z.object({ ...twinBase, measure: ZMeasure }),
  },
  "device.linked": {
    label: "A device is linked to an asset",
    description: "A device starts feeding an asset's measure slots.",
    payload: z.object({ ...twinBase }),
  },
  "device.unlinked": {
    label: "A device is unlinked from an asset",
    description: "A device stops feeding an asset.",
    payload: z.object({ ...twinBase }),
  },
  "asset.created": {
    label: "An asset is created",
    description: "A new asset in the tenant.",
    payload: z.object({ ...twinBase }),
  },
  "asset.updated": {
    label: "An asset is updated",
    description: "An asset's metadata changed; `changed` lists the fields.",
    payload: z.object({ ...twinBase, changed: z.array(z.string()) }),
  },
  "payload.error": {
    label: "A payload is refused",
    description: "The pipeline refused a payload of the tenant (decoder error, unknown device...).",
    payload: z.object({
      ...base,
      payload: z.object({ id: z.string(), decoder: z.string(), deviceModel: z.string(), reason: z.string() }),
    }),
  },
  "alert.raised": {
    label: "An alert is raised",
    description: "A rule raised an alert on a twin.",
    payload: z.object({ ...twinBase, alert: ZAlert }),
  },
  "alert.cleared": {
    label: "An alert is cleared",
    description: "An alert was cleared, by a user or by its rule.",
    payload: z.object({ ...twinBase, alert: ZAlert }),
  },
  schedule: {
    label: "On a schedule",
    description: "A cron expression in a timezone, or a fixed interval.",
    payload: z.object({ ...base, schedule: z.object({ cron: z.string().nullable(), everySeconds: z.number().nullable() }) }),
  },
} as const;

export type TTriggerEvent = keyof typeof TRIGGER_EVENTS;
export const TRIGGER_EVENT_NAMES = Object.keys(TRIGGER_EVENTS) as TTriggerEvent[];
/** Events that are about one twin: they carry `twin`, and debounce and alerts work per twin. */
export const hasTwin = (event: TTriggerEvent) => event !== "payload.error" && event !== "schedule";

export function listTriggers() {
  return TRIGGER_EVENT_NAMES.map((name) => ({
    name,
    label: TRIGGER_EVENTS[name].label,
    description: TRIGGER_EVENTS[name].description,
    twin: hasTwin(name),
    payloadSchema: z.toJSONSchema(TRIGGER_EVENTS[name].payload, { io: "input" }) as Record<string, unknown>,
  }));
}

/** Whether a dotted path exists in the event's payload (any path below a free-form record). */
export function isTriggerPath(event: TTriggerEvent, path: string): boolean {
  let schema: z.ZodType = TRIGGER_EVENTS[event].payload;
  for (const segment of path.split(".")) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodRecord || schema instanceof z.ZodUnknown) return true;
    if (schema instanceof z.ZodArray) {
      if (!/^\d+$/.test(segment)) return false;
      schema = schema.element as z.ZodType;
      continue;
    }
    if (!(schema instanceof z.ZodObject)) return false;
    const next = (schema.shape as Record<string, z.ZodType>)[segment];
    if (!next) return false;
    schema = next;
  }
  return true;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodNullable || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

const ZCron = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((s) => s.split(/\s+/).length >= 5 && s.split(/\s+/).length <= 6, "must be a cron expression of 5 or 6 fields");

/** A valid IANA timezone name, such as Europe/Paris. */
export const ZTimezone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA timezone such as Europe/Paris or UTC");

/** When something runs: a cron (5 fields, or 6 with seconds) in a timezone, or every N seconds. */
export const ZWhen = z
  .object({
    cron: ZCron.optional(),
    timezone: ZTimezone.default("UTC"),
    everySeconds: z
      .number()
      .int()
      .min(1)
      .max(31 * 86400)
      .optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    if ((w.cron === undefined) === (w.everySeconds === undefined))
      ctx.addIssue({ code: "custom", path: ["cron"], message: "give either cron (with its timezone) or everySeconds" });
    if (w.cron === undefined) return;
    try {
      nextCronRun(w.cron, w.timezone);
    } catch (error) {
      ctx.addIssue({ code: "custom", path: ["cron"], message: `not a valid cron expression: ${(error as Error).message}` });
    }
  });

/** The cron's next occurrence after `from`, in its timezone; throws what cron-parser (BullMQ's) finds wrong. */
export function nextCronRun(cron: string, timezone: string, from: Date = new Date()): Date {
  return CronExpressionParser.parse(cron, { tz: timezone, currentDate: from }).next().toDate();
}
export type TWhen = z.output<typeof ZWhen>;

const EVENT_NAMES = TRIGGER_EVENT_NAMES.filter((e) => e !== "schedule") as [TTriggerEvent, ...TTriggerEvent[]];

export const ZTrigger = z.discriminatedUnion(
  "type",
  [
    z
      .object({
        type: z.literal("event"),
        event: z.enum(EVENT_NAMES, { error: `must be one of ${EVENT_NAMES.join(", ")}` }),
        /** Twin models (device or asset) the rule is about; none: every twin. */
        models: z.array(z.string().min(1).max(64)).max(50).default([]),
      })
      .strict(),
    z.object({ type: z.literal("schedule"), when: ZWhen }).strict(),
  ],
  { error: 'type must be "event" or "schedule"' },
);
export type TTrigger = z.output<typeof ZTrigger>;

export const triggerEventOf = (t: TTrigger): TTriggerEvent => (t.type === "event" ? t.event : "schedule");
