import { z } from "zod";
import { ZWhen } from "../rules/triggers";

// A schedule as users write it: when (a cron in a timezone, 5 fields or 6 with seconds,
// or every N seconds) and what (run a rule of the tenant, or call an API procedure with
// the owner's permissions). Checked whole when saved, each error naming its field.

/** The when of rules' schedule triggers: the cron checked by cron-parser (the library BullMQ runs it with). */
export const ZScheduleWhen = ZWhen;

const ZApiPath = z
  .string()
  .regex(/^[a-zA-Z]+\.[a-zA-Z]+$/, "must be a procedure path such as assets.update")
  .refine((p) => !p.startsWith("auth.") && !p.endsWith(".subscribe"), "auth procedures and subscriptions cannot be called");

const MAX_INPUT_BYTES = 64 * 1024;

export const ZScheduleAction = z.discriminatedUnion(
  "type",
  [
    /** Runs a rule of the tenant (it must exist when the schedule is saved). */
    z.object({ type: z.literal("rule"), ruleId: z.string().uuid("must be a rule id") }).strict(),
    /** Calls a tRPC procedure in the tenant as the schedule's owner, with no more than their permissions. */
    z
      .object({
        type: z.literal("api"),
        path: ZApiPath,
        input: z
          .unknown()
          .optional()
          .refine(
            (v) => v === undefined || (JSON.stringify(v)?.length ?? 0) <= MAX_INPUT_BYTES,
            "must be at most 64 KiB of JSON",
          ),
      })
      .strict(),
  ],
  { error: 'type must be "rule" or "api"' },
);
export type TScheduleAction = z.output<typeof ZScheduleAction>;

export const ZScheduleDocument = z
  .object({
    name: z.string().trim().min(1, "give the schedule a name").max(120),
    description: z.string().max(2000).default(""),
    enabled: z.boolean().default(true),
    when: ZScheduleWhen,
    action: ZScheduleAction,
  })
  .strict();
export type TScheduleDocument = z.output<typeof ZScheduleDocument>;
/** A schedule as written (defaults not applied yet): what tenant groups declare. */
export type TScheduleDocumentInput = z.input<typeof ZScheduleDocument>;
