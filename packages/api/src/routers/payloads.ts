import { ZPayloadListSchema, ZPrunePayloadsSchema, getPayload, listDecoders, listPayloads, prunePayloads } from "@iot/core";
import { z } from "zod";
import { createRouter, scopedProcedure } from "../trpc";

// The public address of the payload webhook (apps/ingest), for the routes the console shows.
const INGEST_PUBLIC_URL = process.env.INGEST_PUBLIC_URL ?? "http://localhost:3001";

export const payloadsRouter = createRouter({
  listDecoders: scopedProcedure("payloads:read").query(() => listDecoders(INGEST_PUBLIC_URL)),
  list: scopedProcedure("payloads:read")
    .input(ZPayloadListSchema.default({ limit: 50 }))
    .query(({ ctx, input }) => listPayloads(ctx.scope.db, input)),
  get: scopedProcedure("payloads:read")
    .input(z.object({ id: z.string().uuid("must be a payload id") }))
    .query(({ ctx, input }) => getPayload(ctx.scope.db, input.id)),
  prune: scopedProcedure("payloads:write")
    .input(ZPrunePayloadsSchema)
    .mutation(({ ctx, input }) => prunePayloads(ctx.scope.db, input)),
});
