import { type TLiveMeasure, liveMeasuresFor } from "@iot/core";
import { withTenant } from "@iot/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { liveHub } from "../live";
import { createRouter, tenantStreamProcedure } from "../trpc";

/** How long live measures gather before they are sent: at most four batches a second. */
const BATCH_MS = 250;

export const measuresRouter = createRouter({
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
      const pending: TLiveMeasure[] = [];
      let wake: (() => void) | null = null;
      const stop = await liveHub.listen(ctx.tenant.tenant.id, (message) => {
        const measures = liveMeasuresFor(message, input);
        if (!measures.length) return;
        pending.push(...measures);
        wake?.();
      });
      const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
      try {
        while (!signal?.aborted) {
          if (!pending.length) await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
          wake = null;
          if (signal?.aborted) break;
          // a moment for the rest of the burst, then one batch
          await Promise.race([new Promise((r) => setTimeout(r, BATCH_MS)), aborted]);
          yield { measures: pending.splice(0, pending.length) };
        }
      } finally {
        await stop();
      }
    }),
});
