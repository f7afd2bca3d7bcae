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
