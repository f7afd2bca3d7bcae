import { type TLiveMeasures, ZMeasureSeriesSchema, liveChannel, liveMeasuresFor, measureSeries } from "@iot/core";
import { withTenant } from "@iot/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { batchedStream } from "../live";
import { createRouter, tenantProcedure, tenantStreamProcedure } from "../trpc";

/** How long live measures gather before they are sent: at most four batches a second. */
const BATCH_MS = 250;

export const measuresRouter = createRouter({
  /** A chart's series in one call: bucket averages, minima and maxima of (twin, measure, field)s as columns of numbers. */
  series: tenantProcedure("measures:read")
    .input(ZMeasureSeriesSchema)
    .query(({ ctx, input }) => measureSeries(ctx.db, input)),
  /** Live measures of a device, an asset, or the whole tenant (neither), in batches as they are stored. */
  subscribe: tenantStreamProcedure("measures:read")
    .input(
      z.object({
        deviceId: z.string().uuid("must be a device id").optional(),
        assetId: z.string().uuid("must be an asset id").optional(),
      }),
    )
    .use(async ({ ctx, input, next }) => {
      // the twin must be one of this tenant's (row-level security says so)
      const found = await withTenant(ctx.tenant.tenant.id, (db) =>
        input.deviceId
          ? db.device.findUnique({ where: { id: input.deviceId }, select: { id: true } })
          : input.assetId
            ? db.asset.findUnique({ where: { id: input.assetId }, select: { id: true } })
            : Promise.resolve({ id: "tenant" }),
      );
      if (!found) throw new TRPCError({ code: "NOT_FOUND", message: `${input.deviceId ? "device" : "asset"} not found` });
      return next();
    })
    .subscription(async function* ({ ctx, input, signal }) {
      const channel = liveChannel(ctx.tenant.tenant.id);
      const pick = (message: unknown) => liveMeasuresFor(message as TLiveMeasures, input);
      for await (const measures of batchedStream(channel, pick, signal, BATCH_MS, "measures")) yield { measures };
    }),
});
