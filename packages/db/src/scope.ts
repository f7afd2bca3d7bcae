import type { Prisma } from "./generated/prisma/client";
import { prisma } from "./client";

// A transaction client that row-level security scopes to one tenant, or to the platform.
// The brands keep a platform-scoped client from being passed where a tenant one is
// expected and the reverse, so the scope of every query is visible in its types.
export type TenantDb = Prisma.TransactionClient & { readonly __scope: "tenant"; readonly tenantId: string };
export type PlatformDb = Prisma.TransactionClient & { readonly __scope: "platform" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

interface ScopeOptions {
  /** Interactive transaction timeout in ms (Prisma's default is 5 s). */
  timeout?: number;
}

/** Runs fn in a transaction in which Postgres shows and accepts only tenantId's rows. */
export async function withTenant<T>(tenantId: string, fn: (db: TenantDb) => Promise<T>, opts: ScopeOptions = {}): Promise<T> {
  if (!isUuid(tenantId)) throw new TypeError(`withTenant: not a tenant id: ${tenantId}`);
  return prisma().$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return fn(scoped<TenantDb>(tx, { tenantId }));
    },
    { timeout: opts.timeout ?? 15_000 },
  );
}

/** Runs fn in a transaction that reaches platform data (tenants, users, the catalog). */
export async function withPlatform<T>(fn: (db: PlatformDb) => Promise<T>, opts: ScopeOptions = {}): Promise<T> {
  return prisma().$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.platform', 'on', true)`;
      return fn(scoped<PlatformDb>(tx, {}));
    },
    { timeout: opts.timeout ?? 15_000 },
  );
}

/**
 * Inside a platform transaction, also takes on a tenant's scope: used when a tenant is
 * created or deleted, so the modules set up its rows in the same transaction.
 */
export async function actAsTenant(db: PlatformDb, tenantId: string): Promise<TenantDb> {
  if (!isUuid(tenantId)) throw new TypeError(`actAsTenant: not a tenant id: ${tenantId}`);
  await db.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
  return scoped<TenantDb>(db, { tenantId });
}

// The brands exist only in types; this is the one place a transaction client gets one.
function scoped<T extends TenantDb | PlatformDb>(tx: Prisma.TransactionClient, extra: object): T {
  return Object.assign(tx, extra) as unknown as T;
}
