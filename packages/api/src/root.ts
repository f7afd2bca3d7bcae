import { alertsRouter } from "./routers/alerts";
import { assetGroupsRouter } from "./routers/asset-groups";
import { assetsRouter } from "./routers/assets";
import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { dashboardsRouter } from "./routers/dashboards";
import { devicesRouter } from "./routers/devices";
import { measuresRouter } from "./routers/measures";
import { modelsRouter } from "./routers/models";
import { notificationsRouter } from "./routers/notifications";
import { payloadsRouter } from "./routers/payloads";
import { rulesRouter } from "./routers/rules";
import { schedulesRouter } from "./routers/schedules";
import { systemRouter } from "./routers/system";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createRouter } from "./trpc";

export const appRouter = createRouter({
  auth: authRouter,
  audit: auditRouter,
  tenants: tenantsRouter,
  users: usersRouter,
  models: modelsRouter,
  devices: devicesRouter,
  assets: assetsRouter,
  assetGroups: assetGroupsRouter,
  payloads: payloadsRouter,
  measures: measuresRouter,
  rules: rulesRouter,
  alerts: alertsRouter,
  schedules: schedulesRouter,
  notifications: notificationsRouter,
  dashboards: dashboardsRouter,
  system: systemRouter,
});

/** The public API's type: a separate program builds a typed client from it. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
