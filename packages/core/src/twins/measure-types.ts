import type { PlatformDb, TenantDb } from "@iot/db";
import { z } from "zod";
import { forgetDefinitions } from "../measures/ttl-cache";
import { AppError } from "../errors";

// Measure types: what values a measure of that type carries. The reference platform's
// built-ins and a few more live in code; custom ones are added at runtime
// (models.writeMeasure) and stored. Each is a small field spec compiled to a zod schema
// (to validate values) and exported as JSON Schema (for the console's forms).

export const FIELD_KINDS = ["number", "integer", "boolean", "string", "geopoint"] as const;

export const ZFieldSpecSchema = z
  .object({
    kind: z.enum(FIELD_KINDS),
    unit: z.string().trim().max(16).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    required: z.boolean().default(true),
  })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, { message: "min must not exceed max" });

const ZName = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, "must start with a lowercase letter: letters, digits, _ (40 at most)");
const ZLabels = z.object({ en: z.string().trim().min(1).max(80), fr: z.string().trim().min(1).max(80).optional() });

export const ZMeasureTypeSchema = z.object({
  name: ZName,
  fields: z.record(ZName, ZFieldSpecSchema).refine((f) => Object.keys(f).length > 0, { message: "at least one field" }),
  labels: ZLabels,
});

export type TFieldSpec = z.infer<typeof ZFieldSpecSchema>;
export type TMeasureType = z.infer<typeof ZMeasureTypeSchema> & { builtin: boolean };

const f = (kind: TFieldSpec["kind"], extra: Partial<TFieldSpec> = {}): TFieldSpec => ({ kind, required: true, ...extra });

const BUILTIN_DEFINITIONS: Omit<TMeasureType, "builtin">[] = [
  { name: "temperature", fields: { temperature: f("number", { unit: "°C" }) }, labels: { en: "Temperature", fr: "Température" } },
  {
    name: "humidity",
    fields: { humidity: f("number", { unit: "%", min: 0, max: 100 }) },
    labels: { en: "Humidity", fr: "Humidité" },
  },
  {
    name: "position",
    fields: {
      position: f("geopoint"),
      altitude: f("number", { unit: "m", required: false }),
      accuracy: f("number", { unit: "m", min: 0, required: false }),
    },
    labels: { en: "Position", fr: "Position" },
  },
  { name: "movement", fields: { movement: f("boolean") }, labels: { en: "Movement", fr: "Mouvement" } },
  {
    name: "battery",
    fields: { battery: f("integer", { unit: "%", min: 0, max: 100 }) },
    labels: { en: "Battery", fr: "Batterie" },
  },
  { name: "co2", fields: { co2: f("number", { unit: "ppm", min: 0 }) }, labels: { en: "CO₂", fr: "CO₂" } },
  { name: "pressure", fields: { pressure: f("number", { unit: "hPa", min: 0 }) }, labels: { en: "Pressure", fr: "Pression" } },
  { name: "power", fields: { power: f("number", { unit: "W" }) }, labels: { en: "Power", fr: "Puissance" } },
  {
    name: "acceleration",
    fields: { x: f("number", { unit: "m/s²" }), y: f("number", { unit: "m/s²" }), z: f("number", { unit: "m/s²" }) },
    labels: { en: "Acceleration", fr: "Accélération" },
  },
];

export const BUILTIN_MEASURE_TYPES: TMeasureType[] = BUILTIN_DEFINITIONS.map((t) => ({ ...t, builtin: true }));

const builtins = new Map(BUILTIN_MEASURE_TYPES.map((t) => [t.name, t]));

function fieldSchema(spec: TFieldSpec): z.ZodType {
  let schema: z.ZodType;
  if (spec.kind === "geopoint") {
    schema = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).strict();
  } else if (spec.kind === "boolean") schema = z.boolean();
  else if (spec.kind === "string") schema = z.string().max(1024);
  else {
    let n = spec.kind === "integer" ? z.number().int() : z.number();
    if (spec.min !== undefined) n = n.min(spec.min);
    if (spec.max !== undefined) n = n.max(spec.max);
    schema = n.refine(Number.isFinite, "must be a finite number");
  }
  return spec.required ? schema : schema.optional();
}

const schemas = new Map<string, z.ZodType>();

/** The zod schema of a type's values: the declared fields, nothing else (built once per field spec). */
export function valuesSchema(type: Pick<TMeasureType, "fields">): z.ZodType {
  const key = JSON.stringify(type.fields);
  let schema = schemas.get(key);
  if (!schema) {
    schema = z.object(Object.fromEntries(Object.entries(type.fields).map(([k, spec]) => [k, fieldSchema(spec)]))).strict();
    schemas.set(key, schema);
  }
  return schema;
}

function present(type: TMeasureType) {
  return { ...type, jsonSchema: z.toJSONSchema(valuesSchema(type)) };
}

export async function listMeasureTypes(db: TenantDb | PlatformDb) {
  const custom = await db.measureType.findMany({ orderBy: { name: "asc" } });
  return [
    ...BUILTIN_MEASURE_TYPES.map(present),
    ...custom.map((c) =>
      present({
        name: c.name,
        fields: c.fields as TMeasureType["fields"],
        labels: c.labels as TMeasureType["labels"],
        builtin: false,
      }),
    ),
  ];
}

/** All known types by name: built-ins and this database's custom ones. */
export async function measureTypeMap(db: TenantDb | PlatformDb): Promise<Map<string, TMeasureType>> {
  const custom = await db.measureType.findMany();
  const map = new Map(builtins);
  for (const c of custom)
    map.set(c.name, {
      name: c.name,
      fields: c.fields as TMeasureType["fields"],
      labels: c.labels as TMeasureType["labels"],
      builtin: false,
    });
  return map;
}

export async function writeMeasureType(db: PlatformDb, input: z.infer<typeof ZMeasureTypeSchema>) {
  forgetDefinitions();
  if (builtins.has(input.name)) throw AppError.conflict(`"${input.name}" is a built-in measure type and cannot be changed`);
  const data = { fields: input.fields, labels: input.labels };
  await db.measureType.upsert({ where: { name: input.name }, create: { name: input.name, ...data }, update: data });
  return present({ ...input, builtin: false });
}

/** Counts the models with a measure slot of this type. */
export async function measureTypeUsage(db: PlatformDb, name: string): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM device_models WHERE measures @> ${JSON.stringify([{ type: name }])}::jsonb)
          + (SELECT count(*) FROM asset_models WHERE measures @> ${JSON.stringify([{ type: name }])}::jsonb))::int AS n`;
  return rows[0]?.n ?? 0;
}

export async function deleteMeasureType(db: PlatformDb, name: string) {
  forgetDefinitions();
  if (builtins.has(name)) throw AppError.conflict(`"${name}" is a built-in measure type and cannot be deleted`);
  const existing = await db.measureType.findUnique({ where: { name } });
  if (!existing) throw AppError.notFound("measure type", name);
  const used = await measureTypeUsage(db, name);
  if (used > 0) throw AppError.conflict(`measure type "${name}" is used by ${used} model(s); change them first`);
  await db.measureType.delete({ where: { name } });
  return { name };
}
