import type { Prisma } from "@iot/db";

/**
 * Values that were validated as JSON (metadata, measure values) typed for Prisma's JSON
 * columns, which cannot see through `unknown`.
 */
export function json(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}
