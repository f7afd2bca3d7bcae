// The domain, without HTTP or React. Importing it registers the built-in tenant groups
// and modules.
import "./tenancy/builtin-groups";
import "./tenancy/settings-module";

export * from "./errors";
export * from "./auth/permissions";
export * from "./auth/passwords";
export * from "./auth/tokens";
export * from "./auth/sessions";
export * from "./auth/api-keys";
export * from "./auth/principal";
export * from "./auth/me";
export * from "./tenancy/groups";
export * from "./tenancy/tenants";
export * from "./users/scope";
export * from "./users/users";
export * from "./audit/audit";
export * from "./auth/purge";
export * from "./jobs/definitions";
