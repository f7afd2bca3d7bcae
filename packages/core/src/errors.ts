// The one error type of the domain. Transports map `code` to their own status in one
// place each (tRPC codes in packages/api, HTTP statuses in apps/ingest).
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "PRECONDITION_FAILED";

export interface AppErrorIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: { issues?: AppErrorIssue[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = "AppError";
  }

  static badRequest(message: string, issues?: AppErrorIssue[]) {
    return new AppError("BAD_REQUEST", message, issues ? { issues } : {});
  }
  static notFound(what: string, id?: string) {
    return new AppError("NOT_FOUND", id ? `${what} ${id} not found` : `${what} not found`);
  }
  static forbidden(message: string) {
    return new AppError("FORBIDDEN", message);
  }
  static unauthorized(message = "authentication required") {
    return new AppError("UNAUTHORIZED", message);
  }
  static conflict(message: string) {
    return new AppError("CONFLICT", message);
  }
}

/** Postgres unique violations as a CONFLICT naming the field, other errors untouched. */
export function conflictOnUnique(error: unknown, message: string): never {
  if (isUniqueViolation(error)) throw AppError.conflict(message);
  throw error;
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

export function isNotFoundError(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2025";
}

/**
 * Postgres refusing a value (class 22: out of range, NUL in text, bad encoding...) for
 * data a client sent: a BAD_REQUEST, never a 500. Prisma reports these under several
 * codes (P2000, P2007, P2020, P2023, P2033; P2010 and P2039 carry the Postgres code of the
 * driver adapter's error).
 */
export function isInvalidDataError(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const code = (error as { code: unknown }).code;
  if (code === "P2000" || code === "P2007" || code === "P2020" || code === "P2023" || code === "P2033") return true;
  const meta = (error as { meta?: { code?: unknown; driverAdapterError?: { cause?: { code?: unknown } } } }).meta;
  const pgCode = meta?.driverAdapterError?.cause?.code ?? (code === "P2010" ? meta?.code : undefined);
  return typeof pgCode === "string" && pgCode.startsWith("22");
}
