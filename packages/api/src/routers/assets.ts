import {
  ZAssetHistorySchema,
  ZAssetRefSchema,
  ZCreateAssetSchema,
  ZTwinSearchSchema,
  ZUpdateAssetSchema,
  assetHistory,
  createAsset,
  deleteAsset,
  getAsset,
  importAssetsCsv,
  searchAssets,
  writeAssetMetadata,
} from "@iot/core";
import {
  ZExportSchema,
  exportLinkFor,
  ZAssetMeasuresQuerySchema,
  ZMGetLastMeasuresSchema,
  ZMeasureBatchSchema,
  getLastMeasures,
  getMeasures,
  ingestMeasures,
  mGetLastMeasures,
} from "@iot/core";
import { z } from "zod";
import { createRouter, tenantProcedure } from "../trpc";
import { ZCsvImportSchema } from "./csv";

const read = tenantProcedure("assets:read");
const write = tenantProcedure("assets:write");

export const assetsRouter = createRouter({
  create: write
    .input(ZCreateAssetSchema)
    .mutation(({ ctx, input }) => createAsset(ctx.db, ctx.tenant.tenant.group, input, ctx.principal.email)),
  get: read.input(ZAssetRefSchema).query(({ ctx, input }) => getAsset(ctx.db, input)),
  update: write
    .input(ZUpdateAssetSchema)
    .mutation(({ ctx, input }) =>
      writeAssetMetadata(ctx.db, ctx.tenant.tenant.group, input, { replace: false, actor: ctx.principal.email }),
    ),
  replaceMetadata: write
    .input(ZUpdateAssetSchema)
    .mutation(({ ctx, input }) =>
      writeAssetMetadata(ctx.db, ctx.tenant.tenant.group, input, { replace: true, actor: ctx.principal.email }),
    ),
  delete: write
    .input(z.object({ id: z.string().uuid("must be an asset id") }))
    .mutation(({ ctx, input }) => deleteAsset(ctx.db, input.id, ctx.principal.email)),
  search: read
    .input(
      ZTwinSearchSchema.extend({ groupId: z.string().uuid().optional() }).default({
        sort: { field: "reference", order: "asc" },
        limit: 50,
        withTotal: false,
      }),
    )
    .query(({ ctx, input }) => searchAssets(ctx.db, input)),
  history: read.input(ZAssetHistorySchema).query(({ ctx, input }) => assetHistory(ctx.db, input)),
  importCsv: write
    .meta({ transactionTimeoutMs: 120_000 })
    .input(ZCsvImportSchema)
    .mutation(({ ctx, input }) => importAssetsCsv(ctx.db, ctx.tenant.tenant.group, input.csv, ctx.principal.email)),

  measureIngest: tenantProcedure("measures:write")
    .input(z.object({ assetId: z.string().uuid("must be an asset id"), measures: ZMeasureBatchSchema }))
    .mutation(({ ctx, input }) =>
      ingestMeasures(ctx.db, ctx.tenant.tenant.group, {
        source: { kind: "api", assetId: input.assetId },
        measures: input.measures,
      }),
    ),
  getMeasures: tenantProcedure("measures:read")
    .input(ZAssetMeasuresQuerySchema)
    .query(({ ctx, input }) => getMeasures(ctx.db, input)),
  getLastMeasures: tenantProcedure("measures:read")
    .input(z.object({ assetId: z.string().uuid("must be an asset id") }))
    .query(({ ctx, input }) => getLastMeasures(ctx.db, input)),
  mGetLastMeasures: tenantProcedure("measures:read")
    .input(ZMGetLastMeasuresSchema)
    .query(({ ctx, input }) => mGetLastMeasures(ctx.db, "assets", input.ids)),

  exportMeasures: tenantProcedure("measures:read")
    .input(ZExportSchema.extend({ assetId: z.string().uuid("must be an asset id") }))
    .mutation(({ ctx, input }) => exportLinkFor(ctx.db, ctx.tenant.tenant, { kind: "asset", id: input.assetId }, input)),
});
