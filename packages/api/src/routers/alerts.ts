import {
  type TAlertView,
  ZAlertIdSchema,
  ZAlertSearchSchema,
  acknowledgeAlert,
  alertsChannel,
  clearAlert,
  searchAlerts,
} from "@iot/core";
import { announceAlert } from "../bridges";
import { batchedStream } from "../live";
import { createRouter, tenantProcedure, tenantStreamProcedure } from "../trpc";

const actorOf = (p: { email: string; apiKey: { name: string } | null }) =>
  p.apiKey ? `${p.email} (key ${p.apiKey.name})` : p.email;

export const alertsRouter = createRouter({
  /** Newest first, filtered; with the open alerts' counts (the console's badge). */
  search: tenantProcedure("alerts:read")
    .input(ZAlertSearchSchema.default({ limit: 50 }))
    .query(({ ctx, input }) => searchAlerts(ctx.db, input)),
  /** Seen: stays open (its rule raises no other on the twin) until cleared. */
  acknowledge: tenantProcedure("alerts:write")
    .input(ZAlertIdSchema)
    .mutation(async ({ ctx, input }) => {
      const alert = await acknowledgeAlert(ctx.db, input.id, actorOf(ctx.principal));
      announceAlert(ctx.db, "acknowledged", alert);
      return alert;
    }),
  clear: tenantProcedure("alerts:write")
    .input(ZAlertIdSchema)
    .mutation(async ({ ctx, input }) => {
      const alert = await clearAlert(ctx.db, input.id, actorOf(ctx.principal));
      announceAlert(ctx.db, "cleared", alert);
      return alert;
    }),
  /** Alerts raised, acknowledged and cleared in the tenant, live. */
  subscribe: tenantStreamProcedure("alerts:read").subscription(async function* ({ ctx, signal }) {
    const pick = (m: unknown) => [m as { type: "raised" | "acknowledged" | "cleared"; alert: TAlertView }];
    for await (const changes of batchedStream(alertsChannel(ctx.tenant.tenant.id), pick, signal, 100, "alerts"))
      yield { changes };
  }),
});
