"use client";
import type { AppRouter } from "@iot/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { TRPCClientErrorLike } from "@trpc/client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ApiError = TRPCClientErrorLike<AppRouter>;

/** Field-level messages of a BAD_REQUEST, keyed by the dotted path the server names. */
export function fieldErrors(error: unknown): Record<string, string> {
  const issues = (error as { data?: { issues?: { path: string; message: string }[] | null } } | null)?.data?.issues ?? [];
  return Object.fromEntries(issues.map((i) => [i.path, i.message]));
}

export function errorMessage(error: unknown): string | null {
  if (!error) return null;
  return (error as { message?: string }).message ?? "something went wrong";
}

export function errorCode(error: unknown): string | null {
  return (error as { data?: { code?: string } } | null)?.data?.code ?? null;
}
