import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { dbEnv } from "./env";

// One client per process, connected as the application role (neither superuser nor
// owner), so row-level security always applies to it.
const globalForPrisma = globalThis as unknown as { iotPrisma?: PrismaClient };

export function prisma(): PrismaClient {
  if (!globalForPrisma.iotPrisma) {
    const { DATABASE_URL, DATABASE_POOL_SIZE } = dbEnv();
    const adapter = new PrismaPg({ connectionString: DATABASE_URL, max: DATABASE_POOL_SIZE });
    globalForPrisma.iotPrisma = new PrismaClient({ adapter });
  }
  return globalForPrisma.iotPrisma;
}

export async function disconnect(): Promise<void> {
  await globalForPrisma.iotPrisma?.$disconnect();
  globalForPrisma.iotPrisma = undefined;
}
