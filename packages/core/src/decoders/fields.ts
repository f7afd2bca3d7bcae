import { z } from "zod";

// Field types decoders share: what devices send as numbers (some send them as strings) and
// as dates. Strict, so a wrong type is refused at the webhook (ERROR with the reason)
// rather than read as 0 or failing later in the pipeline.

/** A number, or a string holding one ("45.76"); never null, booleans, "" or arrays. */
export const numberLike = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, "must be a number")
    .transform(Number),
]);

/** A date as text that parses (ISO 8601 as network servers send it). */
export const dateString = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), "must be a date");
