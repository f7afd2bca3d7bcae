import type { TenantDb } from "@iot/db";
import type { TCondition } from "./conditions";
import type { TStep } from "./document";
import type { TPayload } from "./evaluate";
import { getPath } from "./paths";
import { isStateful, type TRuleLogic } from "./transition";
import type { TTrigger } from "./triggers";

// A tenant's enabled rules, indexed so that an event meets only the rules that can match
// it, not every rule of the tenant: by trigger event; then by the twin a rule is about,
// when its condition requires an equality on a twin's id or reference (at its top, or in
// a top-level `all`), else by the trigger's models, else as a rule for every twin. A
// tenant with a rule per device so checks about one rule per measure, whatever its count.
// Rebuilt only when the tenant's rules change (one cheap stamp query per batch).

export interface TIndexedRule extends TRuleLogic {
  id: string;
  name: string;
  version: number;
  trigger: TTrigger;
  models: string[];
  steps: TStep[];
  ownerId: string | null;
  stateful: boolean;
}

interface TEventRules {
  any: TIndexedRule[];
  byModel: Map<string, TIndexedRule[]>;
  /** "device.reference=dev-1" → the rules that require it (their models checked on use). */
  byKey: Map<string, TIndexedRule[]>;
}

export interface TRuleIndex {
  stamp: string;
  /** The tenant's rules version (a Redis counter the API bumps on each change) it was built at. */
  version: string | null;
  count: number;
  byEvent: Map<string, TEventRules>;
  byId: Map<string, TIndexedRule>;
}

export interface IndexRow {
  id: string;
  name: string;
  version: number;
  trigger: TTrigger;
  trigger_event: string;
  models: string[];
  condition: TCondition | null;
  holds_for_seconds: number;
  auto_clear: boolean;
  steps: TStep[];
  owner_id: string | null;
}

/** Paths an index key may use, most selective first. */
const KEY_PATHS = ["device.id", "asset.id", "twin.id", "device.reference", "asset.reference", "twin.reference"];

/** The keys one of which an event must have for the condition to hold; null when none is required. */
export function requiredKeys(condition: TCondition | null): string[] | null {
  if (!condition) return null;
  const terms = "all" in condition ? condition.all : [condition];
  for (const path of KEY_PATHS)
    for (const t of terms) {
      if (!("field" in t) || t.field !== path) continue;
      if (t.op === "eq" && typeof t.value === "string") return [`${path}=${t.value}`];
      if (t.op === "in" && t.value.every((v) => typeof v === "string")) return t.value.map((v) => `${path}=${v}`);
    }
  return null;
}

const indexes = new Map<string, TRuleIndex>();

/** The rules version key of a tenant: the API bumps it after each change, the worker compares it. */
export const rulesVersionKey = (prefix: string, tenantId: string) => `${prefix}:rules-version:${tenantId}`;

/** The cached index, when it was built at this version (no query at all). */
export function cachedRuleIndex(tenantId: string, version: string | null): TRuleIndex | undefined {
  const cached = indexes.get(tenantId);
  return version !== null && cached?.version === version ? cached : undefined;
}

/**
 * The tenant's enabled rules, indexed. With the tenant's rules version, no query when it
 * has not changed; without, one cheap stamp query to tell.
 */
export async function ruleIndex(db: TenantDb, version: string | null = null): Promise<TRuleIndex> {
  const known = cachedRuleIndex(db.tenantId, version);
  if (known) return known;
  let stamp = indexes.get(db.tenantId)?.stamp ?? "";
  if (version === null) {
    const [s] = await db.$queryRaw<{ stamp: string }[]>`
      SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(version), 0) AS stamp
      FROM rules WHERE tenant_id = ${db.tenantId}::uuid AND enabled`;
    stamp = s?.stamp ?? "";
    const cached = indexes.get(db.tenantId);
    if (cached && cached.stamp === stamp) return cached;
  }
  const rows = await db.$queryRaw<IndexRow[]>`
    SELECT id, name, version, trigger, trigger_event, models, condition, holds_for_seconds, auto_clear, steps, owner_id
    FROM rules WHERE tenant_id = ${db.tenantId}::uuid AND enabled`;
  const index: TRuleIndex = { stamp, version, count: rows.length, byEvent: new Map(), byId: new Map() };
  const add = (map: Map<string, TIndexedRule[]>, key: string, rule: TIndexedRule) => {
    const list = map.get(key);
    if (list) list.push(rule);
    else map.set(key, [rule]);
  };
  for (const r of rows) {
    const logic = { condition: r.condition, holdsForSeconds: r.holds_for_seconds, autoClear: r.auto_clear };
    const rule: TIndexedRule = {
      ...logic,
      id: r.id,
      name: r.name,
      version: r.version,
      trigger: r.trigger,
      models: r.models,
      steps: r.steps,
      ownerId: r.owner_id,
      stateful: isStateful(logic),
    };
    index.byId.set(rule.id, rule);
    let entry = index.byEvent.get(r.trigger_event);
    if (!entry) {
      entry = { any: [], byModel: new Map(), byKey: new Map() };
      index.byEvent.set(r.trigger_event, entry);
    }
    const keys = requiredKeys(r.condition);
    if (keys) for (const key of keys) add(entry.byKey, key, rule);
    else if (r.models.length) for (const m of r.models) add(entry.byModel, m, rule);
    else entry.any.push(rule);
  }
  if (indexes.size > 10_000) indexes.clear();
  indexes.set(db.tenantId, index);
  return index;
}

const modelOf = (payload: TPayload, of: "device" | "asset") => (payload[of] as { model?: string } | null | undefined)?.model;

/** The rules an event may match: those for every twin, its twins' models, and its twins' keys. */
export function candidates(index: TRuleIndex, event: string, payload: TPayload): TIndexedRule[] {
  const entry = index.byEvent.get(event);
  if (!entry) return [];
  const models = [modelOf(payload, "device"), modelOf(payload, "asset")].filter((m): m is string => Boolean(m));
  const found = [...entry.any];
  const seen = new Set<string>();
  const take = (rule: TIndexedRule) => {
    if (seen.has(rule.id)) return;
    seen.add(rule.id);
    found.push(rule);
  };
  for (const model of models) for (const rule of entry.byModel.get(model) ?? []) take(rule);
  if (entry.byKey.size)
    for (const path of KEY_PATHS) {
      const value = getPath(payload, path);
      if (typeof value !== "string") continue;
      for (const rule of entry.byKey.get(`${path}=${value}`) ?? [])
        if (!rule.models.length || rule.models.some((m) => models.includes(m))) take(rule);
    }
  return found;
}

/**
 * Whether the tenant has enabled rules on this event, as far as this process last saw
 * (undefined when it has not loaded them): events nobody listens to need not be queued.
 */
export function listensTo(tenantId: string, event: string): boolean | undefined {
  return indexes.get(tenantId)?.byEvent.has(event);
}

/** For tests: forget cached indexes. */
export function resetRuleIndexes(): void {
  indexes.clear();
}
