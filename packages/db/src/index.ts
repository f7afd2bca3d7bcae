export { prisma, disconnect } from "./client";
export { withTenant, withPlatform, actAsTenant, isUuid, type TenantDb, type PlatformDb, type AfterCommit } from "./scope";
export { dbEnv } from "./env";
export { isDatabaseUnavailable } from "./errors";
export { Prisma } from "./generated/prisma/client";
