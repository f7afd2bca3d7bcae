import type { PlatformDb, TenantDb } from "@iot/db";
import { BASE_PROFILES, type TenantPermission } from "../auth/permissions";
import type { TAssetModelInput } from "../twins/models";
import type { TScheduleDocumentInput } from "../schedules/document";
import { AppError } from "../errors";
import type { TDashboardDocumentInput } from "../dashboards/document";
import type { TRuleDocumentInput } from "../rules/document";

// Tenant groups are registered in code: each names the profiles of its tenants and may
// carry settings for the modules (asset models, default rules, dashboards... as the
// modules arrive). Creating a tenant of a group runs every module's onTenantCreate.

export interface TenantGroup {
  name: string;
  label: string;
  description: string;
  /** admin, editor and viewer are always there; a group may add its own or narrow them. */
  profiles: Record<string, readonly TenantPermission[]>;
  /** Asset models of the group, written when its first tenant is created (kept if already there). */
  assetModels?: Omit<TAssetModelInput, "tenantGroup">[];
  /** Assets every new tenant of the group starts with. */
  defaultAssets?: { model: string; reference: string; metadata?: Record<string, unknown> }[];
  /** Template dashboards every new tenant of the group starts with (a copy each). */
  defaultDashboards?: TDashboardDocumentInput[];
  /** Rules every new tenant of the group starts with (a copy each). */
  defaultRules?: TRuleDocumentInput[];
  /** Default settings of new tenants of the group. */
  settings?: { assetHistory?: boolean; locale?: string; timezone?: string; retentionDays?: number | null };
  /** Schedules every new tenant of the group starts with (owned by nobody until saved). */
  defaultSchedules?: TScheduleDocumentInput[];
}

export interface TenantHookContext {
  tenant: { id: string; name: string; group: string };
  group: TenantGroup;
  /** Scoped to the tenant only, inside the transaction that creates or deletes it. */
  db: TenantDb;
  /** Runs a step with platform access (shared data such as the group's asset models). */
  platformAccess: <R>(step: (db: PlatformDb) => Promise<R>) => Promise<R>;
}

/** A module that keeps resources per tenant hooks into tenant creation and deletion. */
export interface TenantModule {
  name: string;
  onTenantCreate?(ctx: TenantHookContext): Promise<void>;
  onTenantDelete?(ctx: TenantHookContext): Promise<void>;
}

const groups = new Map<string, TenantGroup>();
const modules = new Map<string, TenantModule>();

export function registerTenantGroup(group: Omit<TenantGroup, "profiles"> & { profiles?: TenantGroup["profiles"] }): TenantGroup {
  if (!/^[a-z][a-z0-9_]*$/.test(group.name)) throw new Error(`tenant group name must be snake_case: ${group.name}`);
  const full: TenantGroup = { ...group, profiles: { ...BASE_PROFILES, ...group.profiles } };
  groups.set(group.name, full);
  return full;
}

export function registerTenantModule(module: TenantModule): void {
  modules.set(module.name, module);
}

export function tenantModules(): TenantModule[] {
  return [...modules.values()];
}

export function listTenantGroups(): TenantGroup[] {
  return [...groups.values()];
}

export function getTenantGroup(name: string): TenantGroup {
  const group = groups.get(name);
  if (!group) {
    throw AppError.badRequest(`unknown tenant group "${name}"`, [
      { path: "group", message: `must be one of: ${[...groups.keys()].join(", ")}` },
    ]);
  }
  return group;
}

/** Permissions granted by a set of profiles of a group; unknown profile names grant nothing. */
export function permissionsOf(groupName: string, profiles: readonly string[]): Set<TenantPermission> {
  const group = groups.get(groupName);
  const granted = new Set<TenantPermission>();
  for (const profile of profiles) for (const p of group?.profiles[profile] ?? []) granted.add(p);
  return granted;
}
