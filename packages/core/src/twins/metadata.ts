import { z } from "zod";
import { AppError, type AppErrorIssue } from "../errors";

// Typed metadata of twins: a model maps each field to a type; values are checked against
// it on every write. Details carry labels per locale and editor hints for the console.

export const METADATA_TYPES = ["keyword", "text", "integer", "float", "boolean", "date", "geopoint"] as const;
const ZFieldName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, "letters, digits and _, starting with a letter");

export const ZMetadataMappingsSchema = z.record(
  ZFieldName,
  z.object({ type: z.enum(METADATA_TYPES), required: z.boolean().default(false) }),
);

const ZLocaleText = z.object({ friendlyName: z.string().trim().min(1).max(80), description: z.string().max(400).optional() });
export const ZMetadataDetailsSchema = z.record(
  ZFieldName,
  z.object({
    group: z.string().max(60).optional(),
    locales: z.object({ en: ZLocaleText, fr: ZLocaleText.optional() }).optional(),
    editorHint: z
      .discriminatedUnion("type", [
        z.object({ type: z.literal("readOnly") }),
        z.object({
          type: z.literal("optionsList"),
          values: z.array(z.string().max(120)).min(1).max(200),
          customValueAllowed: z.boolean().default(false),
        }),
        z.object({ type: z.literal("datetime"), date: z.boolean().default(true), time: z.boolean().default(true) }),
      ])
      .optional(),
  }),
);

export type TMetadataMappings = z.infer<typeof ZMetadataMappingsSchema>;
export type TMetadataDetails = z.infer<typeof ZMetadataDetailsSchema>;
export type TMetadata = Record<string, unknown>;

function valueSchema(type: (typeof METADATA_TYPES)[number]): z.ZodType {
  switch (type) {
    case "keyword":
      return z.string().max(256);
    case "text":
      return z.string().max(8192);
    case "integer":
      return z.number().int().refine(Number.isSafeInteger, "out of range");
    case "float":
      return z.number().refine(Number.isFinite, "must be finite");
    case "boolean":
      return z.boolean();
    case "date":
      return z.iso.datetime({ offset: true }).or(z.iso.date());
    case "geopoint":
      return z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();
  }
}

/**
 * Checks metadata against a model's mappings. `partial`: only the fields given (an
 * update), where null clears a field, even one the model no longer has; otherwise the
 * whole document, with required fields present. Nulls never reach storage.
 */
export function validateMetadata(
  mappings: TMetadataMappings,
  metadata: unknown,
  opts: { partial: boolean; path?: string },
): TMetadata {
  const given = (metadata ?? {}) as Record<string, unknown>;
  const clearing =
    opts.partial && typeof given === "object" ? Object.keys(given).filter((k) => given[k] === null && !(k in mappings)) : [];
  const shape = Object.fromEntries([
    ...Object.entries(mappings).map(([field, m]) => [
      field,
      m.required && !opts.partial ? valueSchema(m.type) : valueSchema(m.type).nullable().optional(),
    ]),
    ...clearing.map((field) => [field, z.null()]),
  ]);
  const parsed = z.object(shape).strict().safeParse(given);
  if (!parsed.success) {
    const prefix = opts.path ?? "metadata";
    const issues: AppErrorIssue[] = parsed.error.issues.map((i) => ({
      path: [prefix, ...i.path.map(String)].join("."),
      message: i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}: not in the model` : i.message,
    }));
    throw AppError.badRequest(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  }
  const data = parsed.data as TMetadata;
  // an update keeps its nulls (they clear fields when merged); a whole document drops them
  return opts.partial ? data : Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null && v !== undefined));
}

/** Metadata reduced to the fields a model maps (after the model dropped some). */
export function onlyMapped(mappings: TMetadataMappings, metadata: TMetadata): TMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([k]) => k in mappings));
}

/** Merges an update into metadata: null removes a field. */
export function mergeMetadata(current: TMetadata, update: TMetadata): TMetadata {
  const merged: TMetadata = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = v;
  }
  return merged;
}

/**
 * The metadata a twin has after a write: `replace` checks the input as the whole
 * document; otherwise it is merged into the current one (null clears a field, fields the
 * model no longer maps are dropped) and the result checked as a whole.
 */
export function nextMetadata(mappings: TMetadataMappings, current: TMetadata, input: TMetadata, replace: boolean): TMetadata {
  if (replace) return validateMetadata(mappings, input, { partial: false });
  const update = validateMetadata(mappings, input, { partial: true });
  return validateMetadata(mappings, mergeMetadata(onlyMapped(mappings, current), update), { partial: false });
}
