import type { TTwinFilter } from "@iot/core";

// Twin filters put together in the console (list filters, tables, variable pickers); plain
// code, so the server may run it too when it renders a dashboard with its data.

/** Every one of these conditions (none: no filter). */
export function allOf(parts: TTwinFilter[]): TTwinFilter | undefined {
  if (!parts.length) return undefined;
  return parts.length === 1 ? parts[0] : { and: parts };
}
