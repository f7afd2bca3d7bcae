import {
  ZDashboardDocument,
  ZDashboardImportSchema,
  ZDashboardListSchema,
  ZDashboardUpdateSchema,
  ZMapPointsSchema,
  createDashboard,
  deleteDashboard,
  exportDashboard,
  getDashboard,
  importDashboard,
  listDashboards,
  listWidgetTypes,
  mapPoints,
  updateDashboard,
} from "@iot/core";
import { z } from "zod";
import { createRouter, tenantProcedure } from "../trpc";

const ZId = z.object({ id: z.string().uuid("must be a dashboard id") });

export const dashboardsRouter = createRouter({
  /** A dashboard document, checked whole (widget settings by type, grid places, variables), errors naming each field. */
  create: tenantProcedure("dashboards:write")
    .input(ZDashboardDocument)
    .mutation(({ ctx, input }) =>
      createDashboard(ctx.db, input, { group: ctx.tenant.tenant.group, ownerId: ctx.principal.userId }),
    ),
  update: tenantProcedure("dashboards:write")
    .input(ZDashboardUpdateSchema)
    .mutation(({ ctx, input }) => updateDashboard(ctx.db, ctx.tenant, input, ctx.tenant.tenant.group)),
  delete: tenantProcedure("dashboards:write")
    .input(ZId)
    .mutation(({ ctx, input }) => deleteDashboard(ctx.db, ctx.tenant, input.id)),
  get: tenantProcedure("dashboards:read")
    .input(ZId)
    .query(({ ctx, input }) => getDashboard(ctx.db, ctx.tenant, input.id)),
  /** The dashboards you may see (or those bound to an asset model: its assets' tabs). */
  list: tenantProcedure("dashboards:read")
    .input(ZDashboardListSchema.default({}))
    .query(({ ctx, input }) => listDashboards(ctx.db, ctx.tenant, input)),
  /** A JSON file of the dashboard, importable into any tenant. */
  export: tenantProcedure("dashboards:read")
    .input(ZId)
    .query(({ ctx, input }) => exportDashboard(ctx.db, ctx.tenant, input.id)),
  import: tenantProcedure("dashboards:write")
    .input(ZDashboardImportSchema)
    .mutation(({ ctx, input }) =>
      importDashboard(ctx.db, input, { group: ctx.tenant.tenant.group, ownerId: ctx.principal.userId }),
    ),
  /** A map widget's markers: every twin with a last position, in compact columns (10,000 in one answer). */
  mapPoints: tenantProcedure("dashboards:read")
    .input(ZMapPointsSchema)
    .query(({ ctx, input }) => mapPoints(ctx.db, ctx.tenant, input)),
  /** Widget types with their settings' JSON Schema (the editor's side panel). */
  widgetTypes: tenantProcedure("dashboards:read").query(() => listWidgetTypes()),
});
