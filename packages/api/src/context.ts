import type { Principal } from "@iot/core";

export const SESSION_COOKIE = "iot_session";

/** What the audit middleware records, filled in by the middlewares that learn it. */
export interface AuditFacts {
  principal: Principal | null;
  actorLabel: string | null;
  tenantId: string | null;
}

/**
 * The request-free inner context: tests build it directly and call routers through
 * createCaller, the HTTP handler builds it from the request.
 */
export interface Context {
  token: string | null;
  /** The x-tenant-id header as sent, checked only by the tenant middleware. */
  unsafeTenantId: string | null;
  /** Headers of the response, for the session cookie. */
  resHeaders: Headers;
  /** Replaced for each call by the audit middleware. */
  audit: AuditFacts;
  /** In-process callers only (rules, schedules): who acts, already established; never from HTTP. */
  trustedPrincipal?: Principal;
  /**
   * Lookups shared by the calls of one HTTP request (a batch): who the token is, and what
   * they may do in the tenant for queries. A console page batches a dozen queries, each of
   * which looked both up again in its own transactions. Absent outside HTTP requests.
   */
  requestMemo?: Map<string, Promise<unknown>>;
}

export function createInnerContext(
  opts: { token?: string | null; tenantId?: string | null; resHeaders?: Headers } = {},
): Context {
  return {
    token: opts.token ?? null,
    unsafeTenantId: opts.tenantId ?? null,
    resHeaders: opts.resHeaders ?? new Headers(),
    audit: { principal: null, actorLabel: null, tenantId: null },
  };
}

/**
 * The calls a server-rendered page makes for its data: as the session cookie's user, in
 * the tenant cookie's tenant (checked like the header), sharing lookups as one batch does.
 */
export function createPageContext(token: string | null, tenantId: string | null): Context {
  return { ...createInnerContext({ token, tenantId }), requestMemo: new Map() };
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return null; // a malformed cookie is no cookie
    }
  }
  return null;
}

/** The bearer token wins over the session cookie, so programs and the console both work. */
export function createContextFromRequest(req: Request, resHeaders: Headers): Context {
  const auth = req.headers.get("authorization");
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? null;
  return {
    ...createInnerContext({
      token: bearer ?? readCookie(req.headers.get("cookie"), SESSION_COOKIE),
      tenantId: req.headers.get("x-tenant-id")?.trim() || null,
      resHeaders,
    }),
    requestMemo: new Map(),
  };
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const secure = process.env.COOKIE_SECURE === "true" ? "; Secure" : "";
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}
