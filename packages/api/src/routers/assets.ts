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
});
