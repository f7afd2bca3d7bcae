import type { TenantDb } from "@iot/db";
import { measureTypeMap } from "../twins/measure-types";
import { getAssetModel, getDeviceModel } from "../twins/models";
import { cached } from "./ttl-cache";

// What ingestion reads on every batch but that changes rarely (measure types, models,
// a tenant's settings), kept per process for 15 s: three fewer round trips per batch. A
// change made in this process is seen at once (the writers call forgetDefinitions);
// other processes see it within the 15 s.
export const cachedMeasureTypes = (db: TenantDb) => cached("types", () => measureTypeMap(db));
export const cachedDeviceModel = (db: TenantDb, model: string) => cached(`device:${model}`, () => getDeviceModel(db, model));
export const cachedAssetModel = (db: TenantDb, group: string, model: string) =>
  cached(`asset:${group}:${model}`, () => getAssetModel(db, group, model));
export const cachedTenantSettings = (db: TenantDb) =>
  cached(`settings:${db.tenantId}`, () =>
    db.tenantSettings.findUnique({ where: { tenantId: db.tenantId }, select: { assetHistory: true, retentionDays: true } }),
  );
