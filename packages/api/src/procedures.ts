import type { AnyProcedure } from "@trpc/server";
import { appRouter } from "./root";

// The router's procedures by path, for tests that must cover every one of them (a
// procedure added later is covered without touching the tests).
export function allProcedures(): { path: string; type: string; hasInput: boolean }[] {
  const procedures: Record<string, unknown> = appRouter._def.procedures;
  return Object.entries(procedures).map(([path, p]) => {
    const def = (p as AnyProcedure)._def as AnyProcedure["_def"] & { inputs?: unknown[] };
    return { path, type: def.type, hasInput: (def.inputs?.length ?? 0) > 0 };
  });
}

/** Calls a procedure by its dotted path through a caller. */
export function callByPath(caller: object, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (input: unknown) => Promise<unknown>)(input);
}
