import {
  ZPayloadListSchema,
  ZPayloadReplaySchema,
  ZPrunePayloadsSchema,
  getPayload,
  listDecoders,
  listPayloads,
  prunePayloads,
  replayPayloads,
  selectReplay,
} from "@iot/core";
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
  /** A page of payloads (ids, or a filter) through their current decoder again; nextCursor for the next page. */
  replay: scopedProcedure("payloads:write")
    .meta({ transactionTimeoutMs: 120_000 })
    .input(ZPayloadReplaySchema)
    .mutation(async ({ ctx, input }) => {
      const { ids, nextCursor } = await selectReplay(ctx.scope.db, input);
      const results = await replayPayloads(ids, process.env.PROVISIONING_STRATEGY === "catalog" ? "catalog" : "auto");
      const states: Record<string, number> = {};
      for (const r of results) states[r.state] = (states[r.state] ?? 0) + 1;
      return {
        replayed: results.length,
        states,
        results: results.map(({ id, state, reason, measures }) => ({ id, state, reason, measures })),
        nextCursor,
      };
    }),
});
