import { z } from "zod";

// Dotted paths into a trigger payload (`measure.values.temperature`, `twin.metadata.name`),
// shared by conditions and templates. Only own properties are followed (never
// `constructor` or `__proto__`), and a numeric segment indexes an array.

export const MAX_PATH_SEGMENTS = 8;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

export function isFieldPath(path: string): boolean {
  const segments = path.split(".");
  return segments.length <= MAX_PATH_SEGMENTS && segments.every((s) => SEGMENT.test(s));
}

export const ZFieldPath = z
  .string()
  .max(256)
  .refine(isFieldPath, {
    message: `must be a dotted path: segments of letters, digits, _ and -, ${MAX_PATH_SEGMENTS} deep at most`,
  });

/** The value at a dotted path, or undefined when any step is missing. */
export function getPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split(".")) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === "object" && current !== null && !(current instanceof Date)) {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return current;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
