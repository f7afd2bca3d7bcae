import type { PlatformDb, TenantDb } from "@iot/db";

/**
 * Users are managed from one tenant (its admins: they see and change its members) or
 * from the platform (platform admins, every user). Postgres enforces the tenant case:
 * a tenant scope sees only its members and changes only those that belong to it alone.
 */
export type UserScope =
  | { kind: "tenant"; db: TenantDb; tenant: { id: string; group: string }; actorId: string }
  | { kind: "platform"; db: PlatformDb; actorId: string };
