import type { PlatformDb, TenantDb } from "@iot/db";
import { z } from "zod";
import { forgetDefinitions } from "../measures/ttl-cache";
import { AppError, type AppErrorIssue } from "../errors";
import { json } from "./json";
import { getTenantGroup } from "../tenancy/groups";
import { measureTypeMap } from "./measure-types";
import { type TMetadataMappings, ZMetadataDetailsSchema, ZMetadataMappingsSchema, validateMetadata } from "./metadata";

// Device models are platform-wide; asset models belong to a tenant group. Both declare
// measure slots [{ name, type }] and typed metadata.

const ZModelName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "letters, digits, _ and -, starting with a letter");
const ZSlotName = z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, "must start with a lowercase letter: letters, digits, _");

export const ZMeasureSlotsSchema = z
  .array(z.object({ name: ZSlotName, type: z.string().min(1) }))
  .max(64)
  .refine((slots) => new Set(slots.map((s) => s.name)).size === slots.length, { message: "slot names must be unique" });

const modelFields = {
  model: ZModelName,
  measures: ZMeasureSlotsSchema.default([]),
  metadataMappings: ZMetadataMappingsSchema.default({}),
  defaultMetadata: z.record(z.string(), z.unknown()).default({}),
  metadataDetails: ZMetadataDetailsSchema.default({}),
};

export const ZDeviceModelSchema = z.object({
  ...modelFields,
  decoder: z.string().max(64).nullish(),
  offlineAfterSeconds: z
    .number()
    .int()
    .min(10)
    .max(30 * 86_400)
    .default(3600),
});
export const ZAssetModelSchema = z.object({ ...modelFields, tenantGroup: z.string().min(1) });

export type TAssetModelInput = z.input<typeof ZAssetModelSchema>;
export type TMeasureSlot = { name: string; type: string };
export interface TModel {
  model: string;
  measures: TMeasureSlot[];
  metadataMappings: TMetadataMappings;
  defaultMetadata: Record<string, unknown>;
  metadataDetails: z.infer<typeof ZMetadataDetailsSchema>;
}
export type TDeviceModel = TModel & { decoder: string | null; offlineAfterSeconds: number };
export type TAssetModel = TModel & { tenantGroup: string };

/** Slots of known types, default metadata valid, details only for mapped fields. */
async function checkModel(db: PlatformDb, input: TModel): Promise<void> {
  const types = await measureTypeMap(db);
  const issues: AppErrorIssue[] = [];
  input.measures.forEach((slot, i) => {
    if (!types.has(slot.type)) issues.push({ path: `measures.${i}.type`, message: `unknown measure type "${slot.type}"` });
  });
  for (const field of Object.keys(input.metadataDetails)) {
    if (!(field in input.metadataMappings))
      issues.push({ path: `metadataDetails.${field}`, message: "no such field in metadataMappings" });
  }
  if (issues.length) throw AppError.badRequest(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  validateMetadata(input.metadataMappings, input.defaultMetadata, { partial: true, path: "defaultMetadata" });
}

function deviceModelOut(row: {
  model: string;
  measures: unknown;
  metadataMappings: unknown;
  defaultMetadata: unknown;
  metadataDetails: unknown;
  decoder: string | null;
  offlineAfter: number;
}): TDeviceModel {
  return {
    model: row.model,
    measures: row.measures as TMeasureSlot[],
    metadataMappings: row.metadataMappings as TMetadataMappings,
    defaultMetadata: row.defaultMetadata as Record<string, unknown>,
    metadataDetails: row.metadataDetails as TModel["metadataDetails"],
    decoder: row.decoder,
    offlineAfterSeconds: row.offlineAfter,
  };
}

function assetModelOut(row: {
  tenantGroup: string;
  model: string;
  measures: unknown;
  metadataMappings: unknown;
  defaultMetadata: unknown;
  metadataDetails: unknown;
}): TAssetModel {
  return {
    tenantGroup: row.tenantGroup,
    model: row.model,
    measures: row.measures as TMeasureSlot[],
    metadataMappings: row.metadataMappings as TMetadataMappings,
    defaultMetadata: row.defaultMetadata as Record<string, unknown>,
    metadataDetails: row.metadataDetails as TModel["metadataDetails"],
  };
}

/** The columns device and asset models share. */
const modelColumns = (input: z.infer<typeof ZDeviceModelSchema> | z.infer<typeof ZAssetModelSchema>) => ({
  measures: input.measures,
  metadataMappings: input.metadataMappings,
  defaultMetadata: json(input.defaultMetadata),
  metadataDetails: input.metadataDetails,
});

export async function writeDeviceModel(db: PlatformDb, input: z.infer<typeof ZDeviceModelSchema>): Promise<TDeviceModel> {
  forgetDefinitions();
  await checkModel(db, input);
  const data = {
    ...modelColumns(input),
    decoder: input.decoder ?? null,
    offlineAfter: input.offlineAfterSeconds,
  };
  return deviceModelOut(
    await db.deviceModel.upsert({ where: { model: input.model }, create: { model: input.model, ...data }, update: data }),
  );
}

export async function writeAssetModel(db: PlatformDb, input: z.infer<typeof ZAssetModelSchema>): Promise<TAssetModel> {
  forgetDefinitions();
  getTenantGroup(input.tenantGroup);
  await checkModel(db, input);
  const data = modelColumns(input);
  const key = { tenantGroup_model: { tenantGroup: input.tenantGroup, model: input.model } };
  return assetModelOut(
    await db.assetModel.upsert({
      where: key,
      create: { tenantGroup: input.tenantGroup, model: input.model, ...data },
      update: data,
    }),
  );
}

export async function getDeviceModel(db: TenantDb | PlatformDb, model: string): Promise<TDeviceModel> {
  const row = await db.deviceModel.findUnique({ where: { model } });
  if (!row) throw AppError.notFound("device model", model);
  return deviceModelOut(row);
}

export async function listDeviceModels(db: TenantDb | PlatformDb): Promise<TDeviceModel[]> {
  return (await db.deviceModel.findMany({ orderBy: { model: "asc" } })).map(deviceModelOut);
}

/** A tenant scope sees the asset models of its group only (row-level security). */
export async function getAssetModel(db: TenantDb | PlatformDb, tenantGroup: string, model: string): Promise<TAssetModel> {
  const row = await db.assetModel.findUnique({ where: { tenantGroup_model: { tenantGroup, model } } });
  if (!row) throw AppError.notFound("asset model", model);
  return assetModelOut(row);
}

export async function listAssetModels(db: TenantDb | PlatformDb, tenantGroup?: string): Promise<TAssetModel[]> {
  const rows = await db.assetModel.findMany({
    where: tenantGroup ? { tenantGroup } : {},
    orderBy: [{ tenantGroup: "asc" }, { model: "asc" }],
  });
  return rows.map(assetModelOut);
}

export async function deleteDeviceModel(db: PlatformDb, model: string) {
  forgetDefinitions();
  await getDeviceModel(db, model);
  const used = await db.device.count({ where: { model } });
  if (used > 0) throw AppError.conflict(`device model "${model}" is used by ${used} device(s); delete or move them first`);
  await db.deviceModel.delete({ where: { model } });
  return { model };
}

export async function deleteAssetModel(db: PlatformDb, tenantGroup: string, model: string) {
  forgetDefinitions();
  await getAssetModel(db, tenantGroup, model);
  const rows = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM assets a JOIN tenants t ON t.id = a.tenant_id WHERE t."group" = ${tenantGroup} AND a.model = ${model}`;
  const used = rows[0]?.n ?? 0;
  if (used > 0) throw AppError.conflict(`asset model "${model}" is used by ${used} asset(s); delete them first`);
  await db.assetModel.delete({ where: { tenantGroup_model: { tenantGroup, model } } });
  return { tenantGroup, model };
}
