// Whether an error says Postgres cannot be reached or let go of the connection (down,
// restarting, shutting down, out of connections), as opposed to refusing what was asked.
// Callers answer these with "try again later" (ingest: 503) or retry them without counting
// them against the job (worker): the data is not at fault. The error may come from pg
// directly or wrapped by Prisma and its pg adapter (code P1001..., meta.driverAdapterError,
// cause), so the whole chain is searched.

/** Prisma's codes for an unreachable server, a closed connection, connect and pool timeouts. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** The pg adapter's kinds for the same. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** Socket errors of the connection. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);
/**
 * SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down),
 * too_many_connections; class 08 (connection exception) below.
 */
const SQL_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);
/** pg's own messages for a connection that went away (they carry no code). */
const MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (typeof e !== "object" || e === null || seen.has(e) || depth > 6) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const key of ["code", "originalCode"]) {
      const code = o[key];
      if (typeof code !== "string") continue;
      if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQL_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (typeof o.kind === "string" && ADAPTER_KINDS.has(o.kind)) return true;
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    const meta = o.meta as Record<string, unknown> | undefined;
    return [o.cause, meta, meta?.driverAdapterError].some((next) => visit(next, depth + 1));
  };
  return visit(error, 0);
}
