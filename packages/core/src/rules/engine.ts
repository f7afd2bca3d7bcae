import { type TenantDb, withTenant } from "@iot/db";
import { clearRuleAlerts } from "./alerts";
import type { TEventRefParsed } from "./event-ref";
import { evaluateCondition, type TPayload } from "./evaluate";
import { buildPayloads } from "./payloads";
import { insertRuns, type TNewRun } from "./runs";
import type { TAlertView } from "./tasks/task";
import { cachedRuleIndex, candidates, type IndexRow, ruleIndex, type TIndexedRule } from "./rule-index";
import { checkDue, concerns, EMPTY_STATE, type TRuleState, transition } from "./transition";

// The engine: for a batch of a tenant's events, the rules that can match each one (from
// a per-tenant index by event and model, rebuilt only when the tenant's rules change),
// their conditions, holds-for and auto-clear state per (rule, twin), and the runs to
// queue. Runs are rows keyed by (rule, event): evaluating a batch twice queues nothing
// twice.

const twinIdsOf = (payload: TPayload): string[] =>
  ["twin", "device", "asset"].flatMap((k) => {
    const id = (payload[k] as { id?: unknown } | null | undefined)?.id;
    return typeof id === "string" ? [id] : [];
  });

const twinKeyOf = (payload: TPayload): string | null => {
  const twin = payload.twin as { id?: string } | null | undefined;
  return twin?.id ?? null;
};

export interface THoldCheck {
  tenantId: string;
  ruleId: string;
  twinKey: string;
  since: string;
  dueAt: string;
}

export interface TEvaluationOutcome {
  events: number;
  /** Conditions evaluated (rule x event). */
  evaluations: number;
  /** Runs newly queued (ids); the worker puts them on the rule-runs queue. */
  runIds: string[];
  /** Holds-for checks to schedule, for stretches that began in this batch. */
  checks: THoldCheck[];
  /** Alerts auto-cleared because their condition stopped holding. */
  cleared: TAlertView[];
}

/**
 * Evaluates a batch of one tenant's events against its enabled rules, in one transaction.
 * `version`: the tenant's rules version (see rulesVersionKey); when this process's index is
 * at that version and no rule listens to these events, nothing is asked of the database.
 */
export async function evaluateEvents(
  tenantId: string,
  events: TEventRefParsed[],
  opts: { version?: string | null } = {},
): Promise<TEvaluationOutcome> {
  const outcome: TEvaluationOutcome = { events: events.length, evaluations: 0, runIds: [], checks: [], cleared: [] };
  if (!events.length) return outcome;
  const version = opts.version ?? null;
  const known = cachedRuleIndex(tenantId, version);
  if (known && !events.some((e) => known.byEvent.has(e.event))) return outcome;
  return withTenant(
    tenantId,
    async (db) => {
      const index = await ruleIndex(db, version);
      const relevant = events.filter((e) => index.byEvent.has(e.event)).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      if (!relevant.length) return outcome;
      const payloads = await buildPayloads(db, relevant);
      const runs: TNewRun[] = [];
      const pending: { rule: TIndexedRule; event: TEventRefParsed; payload: TPayload; twinKey: string }[] = [];
      relevant.forEach((event, i) => {
        const payload = payloads[i] as TPayload;
        const twinKey = twinKeyOf(payload);
        for (const rule of candidates(index, event.event, payload)) {
          if (!concerns(rule, payload)) continue;
          outcome.evaluations++;
          if (rule.stateful && twinKey) {
            pending.push({ rule, event, payload, twinKey });
            continue;
          }
          const evaluation = rule.condition ? evaluateCondition(rule.condition, payload) : null;
          if (evaluation && !evaluation.holds) continue;
          runs.push(newRun(rule, event.event, event.key, twinKey, payload, evaluation?.trace ?? null));
        }
      });
      if (pending.length) {
        const states = await lockStates(db, pending);
        const changed = new Map<string, { ruleId: string; twinKey: string; state: TRuleState }>();
        const clears = new Map<string, { rule: TIndexedRule; twinIds: string[] }>();
        const pairs = new Map<string, { rule: TIndexedRule; twinKey: string }>();
        for (const { rule, event, payload, twinKey } of pending) {
          const key = `${rule.id}|${twinKey}`;
          const before = states.get(key) ?? EMPTY_STATE;
          const t = transition(rule, before, payload, new Date(event.at));
          if (t.late) continue;
          states.set(key, t.state);
          pairs.set(key, { rule, twinKey });
          if (!sameState(before, t.state)) changed.set(key, { ruleId: rule.id, twinKey, state: t.state });
          if (t.fire) runs.push(newRun(rule, event.event, event.key, twinKey, payload, t.trace));
          // the rule's alert may be on the twin, its device or its asset (raiseAlert's `on`)
          if (t.clear) clears.set(key, { rule, twinIds: twinIdsOf(payload) });
        }
        await saveStates(db, [...changed.values()]);
        // a stretch holding and not fired yet is checked when due (again after a retried
        // batch: the check's job id makes it one)
        for (const [key, { rule, twinKey }] of pairs) {
          const state = states.get(key) as TRuleState;
          if (!state.holdingSince || state.fired || rule.holdsForSeconds === 0) continue;
          outcome.checks.push({
            tenantId,
            ruleId: rule.id,
            twinKey,
            since: state.holdingSince.toISOString(),
            dueAt: new Date(state.holdingSince.getTime() + rule.holdsForSeconds * 1000).toISOString(),
          });
        }
        for (const { rule, twinIds } of clears.values())
          outcome.cleared.push(
            ...(await clearRuleAlerts(db, { ruleId: rule.id, twinIds, by: `rule ${rule.name}`, onlyAutoClear: true })),
          );
      }
      outcome.runIds = await insertRuns(db, runs);
      return outcome;
    },
    { timeout: 60_000 },
  );
}

function newRun(
  rule: TIndexedRule,
  event: string,
  eventKey: string,
  twinKey: string | null,
  payload: TPayload,
  trace: TNewRun["trace"],
): TNewRun {
  return { ruleId: rule.id, ruleVersion: rule.version, event, eventKey, twinKey, trigger: payload, trace };
}

/** The same, but for the time of the last event (written only with a change, to spare writes). */
const sameState = (a: TRuleState, b: TRuleState) =>
  a.fired === b.fired &&
  (a.holdingSince?.getTime() ?? null) === (b.holdingSince?.getTime() ?? null) &&
  a.previous === b.previous &&
  a.last === b.last;

interface StateRow {
  rule_id: string;
  twin_key: string;
  holding_since: Date | null;
  fired: boolean;
  previous: TPayload | null;
  last_payload: TPayload | null;
  last_at: Date | null;
}

/**
 * The states of these (rule, twin) pairs, locked for this transaction. Pairs without a
 * row have the empty state; a row is written only when a state changes (so a rule whose
 * condition never holds for a twin costs that twin no row).
 */
async function lockStates(db: TenantDb, pairs: { rule: { id: string }; twinKey: string }[]): Promise<Map<string, TRuleState>> {
  const keys = [
    ...new Map(pairs.map((p) => [`${p.rule.id}|${p.twinKey}`, { rule_id: p.rule.id, twin_key: p.twinKey }])).values(),
  ];
  const rows = await db.$queryRaw<StateRow[]>`
    SELECT s.rule_id, s.twin_key, s.holding_since, s.fired, s.previous, s.last_payload, s.last_at
    FROM rule_states s JOIN jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(rule_id uuid, twin_key text)
      ON s.rule_id = k.rule_id AND s.twin_key = k.twin_key
    ORDER BY s.rule_id, s.twin_key FOR UPDATE OF s`;
  return new Map(rows.map((r) => [`${r.rule_id}|${r.twin_key}`, stateOf(r)]));
}

const stateOf = (r: StateRow): TRuleState => ({
  holdingSince: r.holding_since,
  fired: r.fired,
  previous: r.previous,
  last: r.last_payload,
  lastAt: r.last_at,
});

async function saveStates(db: TenantDb, rows: { ruleId: string; twinKey: string; state: TRuleState }[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      rule_id: r.ruleId,
      twin_key: r.twinKey,
      holding_since: r.state.holdingSince?.toISOString() ?? null,
      fired: r.state.fired,
      previous: r.state.previous,
      last_payload: r.state.last,
      last_at: r.state.lastAt?.toISOString() ?? null,
    })),
  );
  await db.$executeRaw`
    INSERT INTO rule_states (rule_id, twin_key, tenant_id, holding_since, fired, previous, last_payload, last_at, updated_at)
    SELECT k.rule_id, k.twin_key, ${db.tenantId}::uuid, k.holding_since, k.fired, k.previous, k.last_payload, k.last_at,
      clock_timestamp()
    FROM jsonb_to_recordset(${json}::jsonb)
      AS k(rule_id uuid, twin_key text, holding_since timestamptz, fired boolean, previous jsonb, last_payload jsonb,
        last_at timestamptz)
    ORDER BY k.rule_id, k.twin_key
    ON CONFLICT (rule_id, twin_key) DO UPDATE SET holding_since = excluded.holding_since, fired = excluded.fired,
      previous = excluded.previous, last_payload = excluded.last_payload, last_at = excluded.last_at,
      updated_at = excluded.updated_at`;
}

/**
 * A holds-for check, due when a stretch that began at `since` should have lasted long
 * enough: if no event broke it (nor fired it) meanwhile, the rule fires with the stretch's
 * last payload. Returns the run's id when it queued one.
 */
export async function checkHold(
  check: Omit<THoldCheck, "dueAt">,
  opts: { version?: string | null; now?: Date } = {},
): Promise<string | null> {
  const now = opts.now ?? new Date();
  return withTenant(check.tenantId, async (db) => {
    const index = await ruleIndex(db, opts.version ?? null);
    const rule = index.byId.get(check.ruleId);
    if (!rule) return null;
    const [row] = await db.$queryRaw<StateRow[]>`
      SELECT rule_id, twin_key, holding_since, fired, previous, last_payload, last_at FROM rule_states
      WHERE rule_id = ${check.ruleId}::uuid AND twin_key = ${check.twinKey} FOR UPDATE`;
    if (!row) return null;
    const state = stateOf(row);
    const since = new Date(check.since);
    if (!checkDue(rule, state, since, now) || !state.last) return null;
    await saveStates(db, [{ ruleId: rule.id, twinKey: check.twinKey, state: { ...state, fired: true, last: null } }]);
    const trace = rule.condition ? evaluateCondition(rule.condition, state.last, state.previous).trace : null;
    const event = String(state.last.event ?? "measures.processed");
    const [id] = await insertRuns(db, [
      newRun(rule, event, `hold:${check.twinKey}:${check.since}`, check.twinKey, state.last, trace),
    ]);
    return id ?? null;
  });
}

/** A schedule-triggered rule fires: one run per (rule, scheduled time). */
export async function fireScheduledRule(
  tenantId: string,
  ruleId: string,
  at: Date,
  key = at.toISOString(),
): Promise<string | null> {
  return withTenant(tenantId, async (db) => {
    const [r] = await db.$queryRaw<IndexRow[]>`
      SELECT id, name, version, trigger, trigger_event, models, condition, holds_for_seconds, auto_clear, steps, owner_id
      FROM rules WHERE id = ${ruleId}::uuid`;
    if (!r) return null;
    const when = r.trigger.type === "schedule" ? r.trigger.when : null;
    const payload: TPayload = {
      event: "schedule",
      at: at.toISOString(),
      schedule: { cron: when?.cron ?? null, everySeconds: when?.everySeconds ?? null },
    };
    const evaluation = r.condition ? evaluateCondition(r.condition, payload) : null;
    if (evaluation && !evaluation.holds) return null;
    const [id] = await insertRuns(db, [
      {
        ruleId: r.id,
        ruleVersion: r.version,
        event: "schedule",
        eventKey: `schedule:${key}`,
        twinKey: null,
        trigger: payload,
        trace: evaluation?.trace ?? null,
      },
    ]);
    return id ?? null;
  });
}
