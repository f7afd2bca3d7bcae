import { ZNotificationListSchema, ZNotificationReadSchema, listNotifications, markNotificationsRead } from "@iot/core";
import { createRouter, tenantProcedure } from "../trpc";

// Notifications rules left for the caller (or for every member) in the current tenant.
export const notificationsRouter = createRouter({
  list: tenantProcedure("tenant:read")
    .input(ZNotificationListSchema.default({ unreadOnly: false, limit: 20 }))
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.principal.userId, input)),
  markRead: tenantProcedure("tenant:read")
    .input(ZNotificationReadSchema)
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.db, ctx.principal.userId, input)),
});
