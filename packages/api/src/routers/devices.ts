import {
  ZCreateDeviceSchema,
  ZDeviceRefSchema,
  ZDeviceSearchSchema,
  ZLinkAssetSchema,
  ZUpdateDeviceSchema,
  attachTenant,
  createDevice,
  deleteDevice,
  detachTenant,
  getDevice,
  importDevicesCsv,
  linkAsset,
  searchDevices,
  unlinkDevice,
  updateDeviceMetadata,
} from "@iot/core";
import {
  ZExportSchema,
  exportLinkFor,
  ZDeviceMeasuresQuerySchema,
  ZMGetLastMeasuresSchema,
  ZMeasureBatchSchema,
  getLastMeasures,
  getMeasures,
  ingestMeasures,
  mGetLastMeasures,
} from "@iot/core";
import { z } from "zod";
import { createRouter, platformProcedure, scopedProcedure, tenantProcedure } from "../trpc";
import { ZCsvImportSchema } from "./csv";

const read = scopedProcedure("devices:read");
const write = scopedProcedure("devices:write");
const ZDeviceId = z.object({ id: z.string().uuid("must be a device id") });

export const devicesRouter = createRouter({
  create: platformProcedure.input(ZCreateDeviceSchema).mutation(({ ctx, input }) => createDevice(ctx.db, input)),
  get: read.input(ZDeviceRefSchema).query(({ ctx, input }) => getDevice(ctx.scope.db, input)),
  search: read
    .input(ZDeviceSearchSchema.default({ sort: { field: "reference", order: "asc" }, limit: 50, withTotal: false }))
    .query(({ ctx, input }) => searchDevices(ctx.scope.db, input)),
  update: write.input(ZUpdateDeviceSchema).mutation(({ ctx, input }) => updateDeviceMetadata(ctx.scope.db, input, false)),
  replaceMetadata: write.input(ZUpdateDeviceSchema).mutation(({ ctx, input }) => updateDeviceMetadata(ctx.scope.db, input, true)),
  delete: write.input(ZDeviceId).mutation(({ ctx, input }) => deleteDevice(ctx.scope.db, input.id, ctx.principal.email)),

  attachTenant: platformProcedure
    .input(z.object({ deviceId: z.string().uuid(), tenantId: z.string().uuid() }))
    .mutation(({ ctx, input }) => attachTenant(ctx.db, input)),
  detachTenant: platformProcedure
    .input(z.object({ deviceId: z.string().uuid() }))
    .mutation(({ ctx, input }) => detachTenant(ctx.db, input, ctx.principal.email)),
  importCsv: platformProcedure
    .meta({ transactionTimeoutMs: 120_000 })
    .input(ZCsvImportSchema)
    .mutation(({ ctx, input }) => importDevicesCsv(ctx.db, input.csv)),

  linkAsset: tenantProcedure("assets:write")
    .input(ZLinkAssetSchema)
    .mutation(({ ctx, input }) => linkAsset(ctx.db, ctx.tenant.tenant.group, input, ctx.principal.email)),
  unlinkAsset: tenantProcedure("assets:write")
    .input(z.object({ deviceId: z.string().uuid() }))
    .mutation(({ ctx, input }) => unlinkDevice(ctx.db, input, ctx.principal.email)),

  receiveMeasures: tenantProcedure("measures:write")
    .input(
      z.object({
        deviceId: z.string().uuid("must be a device id"),
        measures: ZMeasureBatchSchema,
        payloadId: z.string().min(1).max(100).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      ingestMeasures(ctx.db, ctx.tenant.tenant.group, {
        source: { kind: "device", deviceId: input.deviceId },
        measures: input.measures,
        payloadId: input.payloadId,
      }),
    ),
  getMeasures: tenantProcedure("measures:read")
    .input(ZDeviceMeasuresQuerySchema)
    .query(({ ctx, input }) => getMeasures(ctx.db, input)),
  getLastMeasures: tenantProcedure("measures:read")
    .input(z.object({ deviceId: z.string().uuid("must be a device id") }))
    .query(({ ctx, input }) => getLastMeasures(ctx.db, input)),
  mGetLastMeasures: tenantProcedure("measures:read")
    .input(ZMGetLastMeasuresSchema)
    .query(({ ctx, input }) => mGetLastMeasures(ctx.db, "devices", input.ids)),

  exportMeasures: tenantProcedure("measures:read")
    .input(ZExportSchema.extend({ deviceId: z.string().uuid("must be a device id") }))
    .mutation(({ ctx, input }) => exportLinkFor(ctx.db, ctx.tenant.tenant, { kind: "device", id: input.deviceId }, input)),
});
