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
export * from "./events/bus";
export * from "./twins/measure-types";
export * from "./twins/metadata";
export * from "./twins/models";
export * from "./twins/filter";
export * from "./twins/search";
export * from "./twins/device-rows";
export * from "./twins/devices";
export * from "./twins/assets";
export * from "./twins/links";
export * from "./twins/history";
export * from "./twins/groups";
export * from "./twins/csv-import";
export * from "./twins/tenant-module";
export * from "./measures/index";
export * from "./decoders/index";
export * from "./payloads/index";
export * from "./rules/index";
export * from "./schedules/index";
