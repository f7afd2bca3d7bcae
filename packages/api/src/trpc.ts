import {
  type Principal,
  type TenantAccess,
  type TenantPermission,
  type UserScope,
  assertPermission,
  assertPlatformAdmin,
  authenticate,
  recordAudit,
  resolveTenantAccess,
  AppError,
  trpcCalls,
  trpcDuration,
  serviceLogger,
} from "@iot/core";
import { type PlatformDb, type TenantDb, withPlatform, withTenant } from "@iot/db";
import { TRPCError, initTRPC } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import type { AuditFacts, Context } from "./context";
import { toTRPCError } from "./errors";

// ---------------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------------
/** Procedure options: imports run longer than the default 15 s transaction allows. */
export interface ProcedureMeta {
  transactionTimeoutMs?: number;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // live streams (SSE): a ping keeps proxies from closing a quiet one; the client
    // reconnects if it hears nothing for a while
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
    errorFormatter({ shape, error }) {
      const cause = error.cause instanceof AppError ? error.cause : null;
      // no stack traces to clients; field issues and retry hints for forms and programs
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        data: { ...data, issues: cause?.details.issues ?? null, retryAfterSeconds: cause?.details.retryAfterSeconds ?? null },
      };
    },
  });

export const createRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// ---------------------------------------------------------------------------------
// middlewares
// ---------------------------------------------------------------------------------

/** Domain errors become tRPC errors here, once for every procedure. */
const mapErrors = t.middleware(async ({ path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const error = toTRPCError(result.error);
  if (error.code === "INTERNAL_SERVER_ERROR") serviceLogger().error({ err: error.cause ?? result.error, path }, "internal error");
  throw error;
});

/** The id of the entity a mutation touched: from its result, else from its input (capped). */
function entityIdOf(input: unknown, data: unknown): string | null {
  for (const source of [data, input]) {
    if (typeof source !== "object" || source === null) continue;
    const record = source as Record<string, unknown>;
    for (const key of ["id", "userId", "tenantId"]) {
      const value = record[key];
      if (typeof value === "string" && value.length > 0) return value.slice(0, 64);
    }
  }
  return null;
}

/**
 * Every mutation is recorded, refused ones included, after it has run. Each call gets
 * its own facts object: calls batched in one HTTP request share a context, and one
 * call's actor must never end up on another's entry.
 */
const auditMutations = t.middleware(async ({ type, path, getRawInput, next }) => {
  const audit: AuditFacts = { principal: null, actorLabel: null, tenantId: null };
  const result = await next({ ctx: { audit } });
  if (type !== "mutation") return result;
  const input = await getRawInput().catch(() => null);
  const { principal, tenantId, actorLabel } = audit;
  await recordAudit({
    tenantId,
    actorUserId: principal?.userId ?? null,
    actorKeyId: principal?.apiKey?.id ?? null,
    actorLabel: (
      actorLabel ?? (principal ? `${principal.email}${principal.apiKey ? ` (key ${principal.apiKey.name})` : ""}` : "anonymous")
    ).slice(0, 200),
    procedure: path,
    entityType: path.split(".")[0] ?? path,
    entityId: entityIdOf(input, result.ok ? result.data : null),
    outcome: result.ok ? "ok" : "error",
    errorCode: result.ok ? null : toTRPCError(result.error).code,
  });
  return result;
});

/** `lookup` once per HTTP request under `key` (every time outside one). */
function memoized<T>(ctx: Context, key: string, lookup: () => Promise<T>): Promise<T> {
  const memo = ctx.requestMemo;
  if (!memo) return lookup();
  let found = memo.get(key) as Promise<T> | undefined;
  if (!found) {
    found = lookup();
    memo.set(key, found);
  }
  return found;
}

const requireAuth = t.middleware(async ({ ctx, next }) => {
  const principal = ctx.trustedPrincipal ?? (await memoized(ctx, "principal", () => authenticate(ctx.token)));
  if (!principal) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in or send an API key as a Bearer token" });
  ctx.audit.principal = principal;
  return next({ ctx: { principal } });
});

const ROLLBACK = Symbol("rollback");

/**
 * Runs the rest of the procedure inside the transaction `open` makes. tRPC hands a
 * middleware a failed result rather than an exception, so it is rethrown inside to roll
 * the transaction back, then returned as it was.
 */
async function inTransaction<D, R extends { ok: boolean }>(
  open: (body: (db: D) => Promise<R>) => Promise<R>,
  next: (db: D) => Promise<R>,
): Promise<R> {
  let failed: R | null = null;
  try {
    return await open(async (db) => {
      const result = await next(db);
      if (!result.ok) {
        failed = result;
        throw ROLLBACK;
      }
      return result;
    });
  } catch (error) {
    if (failed) return failed;
    throw error;
  }
}

// ---------------------------------------------------------------------------------
// procedures
// ---------------------------------------------------------------------------------

/** Every call counted by procedure and result code, and timed (/metrics). */
const measured = t.middleware(async ({ path, type, next }) => {
  const start = performance.now();
  const result = await next();
  trpcCalls.inc({ path, type, code: result.ok ? "OK" : result.error.code });
  trpcDuration.observe({ path }, (performance.now() - start) / 1000);
  return result;
});

const baseProcedure = t.procedure.use(measured).use(mapErrors).use(auditMutations);

/** Anyone: login. */
export const publicProcedure = baseProcedure;

/** A signed-in user or an API key, no tenant needed: ctx.principal. */
export const authedProcedure = baseProcedure.use(requireAuth);

/** Platform admins, in a platform transaction: ctx.db reaches platform data. */
export const platformProcedure = authedProcedure.use(async ({ ctx, meta, next }) => {
  assertPlatformAdmin(ctx.principal);
  return inTransaction(
    (body) => withPlatform(body, timeoutOf(meta)),
    (db: PlatformDb) => next({ ctx: { db } }),
  );
});

function timeoutOf(meta: ProcedureMeta | undefined) {
  return meta?.transactionTimeoutMs ? { timeout: meta.transactionTimeoutMs } : {};
}

async function tenantAccessFor(
  ctx: Context & { principal: Principal },
  permission: TenantPermission,
  type: "query" | "mutation" | "subscription",
): Promise<TenantAccess> {
  // a mutation may change memberships: it and what follows it see them afresh
  const resolve = () => resolveTenantAccess(ctx.principal, ctx.unsafeTenantId);
  const access = await (type === "query" ? memoized(ctx, "tenant-access", resolve) : resolve());
  ctx.audit.tenantId = access.tenant.id;
  assertPermission(access, permission);
  return access;
}

/** A tenant member holding `permission`: ctx.tenant, and ctx.db scoped to that tenant. */
export function tenantProcedure(permission: TenantPermission) {
  return authedProcedure.use(async ({ ctx, meta, type, next }) => {
    const access = await tenantAccessFor(ctx, permission, type);
    return inTransaction(
      (body) => withTenant(access.tenant.id, body, timeoutOf(meta)),
      (db: TenantDb) => next({ ctx: { tenant: access, db } }),
    );
  });
}

/**
 * A live stream in a tenant: access checked once, when it opens, and no transaction held
 * open. The tenant comes from the input (a browser's EventSource cannot send headers) or
 * from the x-tenant-id header.
 */
export function tenantStreamProcedure(permission: TenantPermission) {
  return authedProcedure
    .input(z.object({ tenantId: z.string().uuid("must be a tenant id").optional() }))
    .use(async ({ ctx, input, next }) => {
      const access = await resolveTenantAccess(ctx.principal, input.tenantId ?? ctx.unsafeTenantId);
      ctx.audit.tenantId = access.tenant.id;
      assertPermission(access, permission);
      return next({ ctx: { tenant: access } });
    });
}

/**
 * For areas managed from a tenant or from the whole platform (users, audit): with a
 * tenant selected, a member holding `permission` acts in it; without one, a platform
 * admin acts on the platform. ctx.scope says which.
 */
export function scopedProcedure(permission: TenantPermission) {
  return authedProcedure.use(async ({ ctx, meta, type, next }) => {
    const actorId = ctx.principal.userId;
    const wantsTenant = ctx.unsafeTenantId ?? ctx.principal.apiKey?.tenantId ?? null;
    if (!wantsTenant && ctx.principal.isPlatformAdmin) {
      assertPlatformAdmin(ctx.principal);
      return inTransaction(
        (body) => withPlatform(body, timeoutOf(meta)),
        (db: PlatformDb) => next({ ctx: { scope: { kind: "platform", db, actorId } satisfies UserScope as UserScope } }),
      );
    }
    const access = await tenantAccessFor(ctx, permission, type);
    return inTransaction(
      (body) => withTenant(access.tenant.id, body, timeoutOf(meta)),
      (db: TenantDb) =>
        next({
          ctx: { scope: { kind: "tenant", db, tenant: access.tenant, actorId } satisfies UserScope as UserScope, tenant: access },
        }),
    );
  });
}
