import { auditRouter } from "./routers/audit";
import { authRouter } from "./routers/auth";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createRouter } from "./trpc";

export const appRouter = createRouter({
  auth: authRouter,
  audit: auditRouter,
  tenants: tenantsRouter,
  users: usersRouter,
});

/** The public API's type: a separate program builds a typed client from it. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
