export { prisma, disconnect } from "./client";
export { withTenant, withPlatform, actAsTenant, isUuid, type TenantDb, type PlatformDb } from "./scope";
export { dbEnv } from "./env";
export { Prisma } from "./generated/prisma/client";
