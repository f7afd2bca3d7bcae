import type { Prisma } from "./generated/prisma/client";
import { prisma } from "./client";

// A transaction client that row-level security scopes to one tenant, or to the platform.
// The brands keep a platform-scoped client from being passed where a tenant one is
// expected and the reverse, so the scope of every query is visible in its types.
export type TenantDb = Prisma.TransactionClient & AfterCommit & { readonly __scope: "tenant"; readonly tenantId: string };
export type PlatformDb = Prisma.TransactionClient & AfterCommit & { readonly __scope: "platform" };

export interface AfterCommit {
  /** Runs fn once the transaction has committed (never if it rolls back): domain events. */
  afterCommit(fn: () => unknown): void;
}

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
  return inScope(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    },
    (tx, afterCommit) => fn(scoped<TenantDb>(tx, { tenantId, afterCommit, __scope: "tenant" })),
    opts,
  );
}

/** Runs fn in a transaction that reaches platform data (tenants, users, the catalog). */
export async function withPlatform<T>(fn: (db: PlatformDb) => Promise<T>, opts: ScopeOptions = {}): Promise<T> {
  return inScope(
    async (tx) => {
      await tx.$queryRaw`SELECT set_config('app.platform', 'on', true)`;
    },
    (tx, afterCommit) => fn(scoped<PlatformDb>(tx, { afterCommit, __scope: "platform" })),
    opts,
  );
}

async function inScope<T>(
  setup: (tx: Prisma.TransactionClient) => Promise<void>,
  fn: (tx: Prisma.TransactionClient, afterCommit: AfterCommit["afterCommit"]) => Promise<T>,
  opts: ScopeOptions,
): Promise<T> {
  const pending: (() => unknown)[] = [];
  const result = await prisma().$transaction(
    async (tx) => {
      await setup(tx);
      return fn(tx, (f) => pending.push(f));
    },
    { timeout: opts.timeout ?? 15_000 },
  );
  for (const f of pending) {
    try {
      await f();
    } catch (error) {
      console.error("after-commit callback failed:", error);
    }
  }
  return result;
}

/**
 * Inside a platform transaction, runs fn in one tenant's scope only (platform access
 * off, so a module hook cannot touch other tenants' rows by mistake), in the same
 * transaction: tenant creation and deletion use it so every module's set-up commits or
 * rolls back with the tenant. `platformAccess` turns platform access back on for a step.
 */
export async function actAsTenant<T>(
  db: PlatformDb,
  tenantId: string,
  fn: (tenantDb: TenantDb, platformAccess: <R>(step: (db: PlatformDb) => Promise<R>) => Promise<R>) => Promise<T>,
): Promise<T> {
  if (!isUuid(tenantId)) throw new TypeError(`actAsTenant: not a tenant id: ${tenantId}`);
  const setPlatform = (on: boolean) => db.$queryRaw`SELECT set_config('app.platform', ${on ? "on" : "off"}, true)`;
  await db.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
  await setPlatform(false);
  try {
    return await fn(scoped<TenantDb>(db, { tenantId, afterCommit: db.afterCommit, __scope: "tenant" }), async (step) => {
      await setPlatform(true);
      try {
        return await step(db);
      } finally {
        await setPlatform(false);
      }
    });
  } finally {
    await setPlatform(true);
    await db.$queryRaw`SELECT set_config('app.tenant_id', '', true)`;
  }
}

// The brands exist only in types; this is the one place a transaction client gets one.
// Prisma's transaction clients share one underlying object, so the scope's own fields
// (tenantId, afterCommit) live on a wrapper, never on the client itself: assigned there,
// they would leak into concurrent transactions.
function scoped<T extends TenantDb | PlatformDb>(tx: Prisma.TransactionClient, extra: Record<string, unknown>): T {
  return new Proxy(tx, {
    get(target, prop, _receiver) {
      if (typeof prop === "string" && Object.hasOwn(extra, prop)) return extra[prop];
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has(target, prop) {
      return (typeof prop === "string" && Object.hasOwn(extra, prop)) || Reflect.has(target, prop);
    },
  }) as unknown as T;
}
