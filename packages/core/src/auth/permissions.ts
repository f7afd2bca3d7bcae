// Named permissions checked by every procedure. Profiles (per tenant group) are sets of
// these; platform admins hold them all. Later areas already have their names so that
// keys and profiles made today keep their meaning.
export const TENANT_PERMISSIONS = [
  "tenant:read",
  "users:read",
  "users:manage",
  "audit:read",
  "devices:read",
  "devices:write",
  "assets:read",
  "assets:write",
  "models:read",
  "models:write",
  "measures:read",
  "measures:write",
  "payloads:read",
  "payloads:write",
  "rules:read",
  "rules:write",
  "alerts:read",
  "alerts:write",
  "schedules:read",
  "schedules:write",
  "dashboards:read",
  "dashboards:write",
] as const;

export const PLATFORM_PERMISSION = "platform:manage" as const;
export const ALL_PERMISSIONS = [...TENANT_PERMISSIONS, PLATFORM_PERMISSION] as const;

export type TenantPermission = (typeof TENANT_PERMISSIONS)[number];
export type Permission = (typeof ALL_PERMISSIONS)[number];

const readPermissions = TENANT_PERMISSIONS.filter((p) => p.endsWith(":read") && p !== "audit:read");
const writePermissions = TENANT_PERMISSIONS.filter((p) => p.endsWith(":write"));

/** The three profiles every tenant group has. */
export const BASE_PROFILES: Record<"admin" | "editor" | "viewer", readonly TenantPermission[]> = {
  admin: TENANT_PERMISSIONS,
  editor: [...readPermissions, ...writePermissions],
  viewer: readPermissions,
};
