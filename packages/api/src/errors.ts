import {
  AppError,
  type AppErrorCode,
  type AppErrorIssue,
  isInvalidDataError,
  isNotFoundError,
  isUniqueViolation,
} from "@iot/core";
import { TRPCError } from "@trpc/server";

// The one place domain errors become tRPC errors. Anything unexpected stays an
// INTERNAL_SERVER_ERROR (and is logged); nothing a client sends should end up there.
const CODES: Record<AppErrorCode, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
};

interface IssueLike {
  path?: readonly (PropertyKey | { key: PropertyKey })[];
  message: string;
}

function hasIssues(value: unknown): value is { issues: IssueLike[] } {
  return typeof value === "object" && value !== null && Array.isArray((value as { issues?: unknown }).issues);
}

/** zod (or any standard schema) issues as `{ path, message }`, the path dotted. */
export function issuesOf(error: { issues: IssueLike[] }): AppErrorIssue[] {
  return error.issues.map((i) => ({
    path: (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".") || "(input)",
    message: i.message,
  }));
}

export function describeIssues(issues: AppErrorIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join("; ");
}

/** Maps whatever a procedure threw to the TRPCError the client gets. */
export function toTRPCError(error: unknown): TRPCError {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (cause instanceof AppError) return new TRPCError({ code: CODES[cause.code], message: cause.message, cause });
  if (hasIssues(cause)) {
    const issues = issuesOf(cause);
    return new TRPCError({
      code: "BAD_REQUEST",
      message: describeIssues(issues),
      cause: AppError.badRequest(describeIssues(issues), issues),
    });
  }
  if (error instanceof TRPCError && error.code !== "INTERNAL_SERVER_ERROR") return error;
  if (isNotFoundError(cause)) return new TRPCError({ code: "NOT_FOUND", message: "not found" });
  if (isUniqueViolation(cause)) return new TRPCError({ code: "CONFLICT", message: "already exists" });
  if (isInvalidDataError(cause))
    return new TRPCError({
      code: "BAD_REQUEST",
      message: "a value is invalid or out of range (for example a NUL character or an impossible date)",
    });
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "internal error",
    cause: cause instanceof Error ? cause : undefined,
  });
}
