import type { AnyProcedure } from "@trpc/server";
import { appRouter } from "./root";

// The router's procedures by path, for tests that must cover every one of them (a
// procedure added later is covered without touching the tests).
export function allProcedures(): { path: string; type: string; hasInput: boolean }[] {
  const procedures = appRouter._def.procedures as Record<string, AnyProcedure>;
  return Object.entries(procedures).map(([path, p]) => ({
    path,
    type: p._def.type,
    hasInput: (p._def as { inputs?: unknown[] }).inputs?.length ? true : false,
  }));
}

/** Calls a procedure by its dotted path through a caller. */
export function callByPath(caller: object, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}
