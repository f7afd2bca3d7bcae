import {
  AppError,
  ZAssetModelSchema,
  ZDeviceModelSchema,
  ZMeasureTypeSchema,
  deleteAssetModel,
  deleteDeviceModel,
  deleteMeasureType,
  getAssetModel,
  getDeviceModel,
  listAssetModels,
  listDeviceModels,
  listMeasureTypes,
  writeAssetModel,
  writeDeviceModel,
  writeMeasureType,
} from "@iot/core";
import { z } from "zod";
import { createRouter, platformProcedure, scopedProcedure } from "../trpc";

const read = scopedProcedure("models:read");
const ZModel = z.object({ model: z.string().min(1).max(64) });

/** A tenant reads its own group's asset models; the platform names the group. */
function groupOf(scope: { kind: "tenant"; tenant: { group: string } } | { kind: "platform" }, tenantGroup?: string): string {
  if (scope.kind === "tenant") return scope.tenant.group;
  if (!tenantGroup)
    throw AppError.badRequest("tenantGroup is required without a tenant", [{ path: "tenantGroup", message: "is required" }]);
  return tenantGroup;
}

export const modelsRouter = createRouter({
  writeMeasure: platformProcedure.input(ZMeasureTypeSchema).mutation(({ ctx, input }) => writeMeasureType(ctx.db, input)),
  listMeasures: read.query(({ ctx }) => listMeasureTypes(ctx.scope.db)),
  deleteMeasure: platformProcedure
    .input(z.object({ name: z.string().min(1).max(40) }))
    .mutation(({ ctx, input }) => deleteMeasureType(ctx.db, input.name)),

  writeDevice: platformProcedure.input(ZDeviceModelSchema).mutation(({ ctx, input }) => writeDeviceModel(ctx.db, input)),
  getDevice: read.input(ZModel).query(({ ctx, input }) => getDeviceModel(ctx.scope.db, input.model)),
  listDevices: read.query(({ ctx }) => listDeviceModels(ctx.scope.db)),
  deleteDevice: platformProcedure.input(ZModel).mutation(({ ctx, input }) => deleteDeviceModel(ctx.db, input.model)),

  writeAsset: platformProcedure.input(ZAssetModelSchema).mutation(({ ctx, input }) => writeAssetModel(ctx.db, input)),
  getAsset: read
    .input(ZModel.extend({ tenantGroup: z.string().optional() }))
    .query(({ ctx, input }) => getAssetModel(ctx.scope.db, groupOf(ctx.scope, input.tenantGroup), input.model)),
  listAssets: read
    .input(z.object({ tenantGroup: z.string().optional() }).default({}))
    .query(({ ctx, input }) =>
      listAssetModels(ctx.scope.db, ctx.scope.kind === "tenant" ? ctx.scope.tenant.group : input.tenantGroup),
    ),
  deleteAsset: platformProcedure
    .input(ZModel.extend({ tenantGroup: z.string().min(1) }))
    .mutation(({ ctx, input }) => deleteAssetModel(ctx.db, input.tenantGroup, input.model)),
});
