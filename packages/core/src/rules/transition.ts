import { conditionFields, geofenceEdgeFields } from "./document";
import type { TCondition } from "./conditions";
import { evaluateCondition, type TConditionTrace, type TPayload } from "./evaluate";
import { getPath } from "./paths";

// What one event does to one rule on one twin: whether the condition holds, whether the
// rule fires, whether its alerts clear, and the twin's state after. Pure: the worker and
// dry runs share it, so a dry run answers what a real run does on the same events.
//
// A rule without holds-for or auto-clear fires on every event where its condition holds.
// With either, it fires once per stretch: when the condition has held for holdsForSeconds
// (at once when 0), and, with auto-clear, its alerts clear when the condition stops.

export interface TRuleLogic {
  condition: TCondition | null;
  holdsForSeconds: number;
  autoClear: boolean;
}

export interface TRuleState {
  holdingSince: Date | null;
  fired: boolean;
  /** The twin's previous payload that had the geofence fields (enter / exit). */
  previous: TPayload | null;
  /** The last payload of the stretch: a holds-for check fires with it. */
  last: TPayload | null;
  /** The time of the newest event taken in: older ones come late and are ignored. */
  lastAt: Date | null;
}

export const EMPTY_STATE: TRuleState = { holdingSince: null, fired: false, previous: null, last: null, lastAt: null };

export interface TTransition {
  holds: boolean;
  trace: TConditionTrace | null;
  fire: boolean;
  clear: boolean;
  state: TRuleState;
  /** When the holds-for time will have passed if nothing else comes (a check is due then). */
  dueAt: Date | null;
  /** The event was older than the state's newest and changed nothing. */
  late?: boolean;
}

/** Rules whose outcome depends on earlier events keep a state per twin. */
export const isStateful = (rule: TRuleLogic) =>
  rule.holdsForSeconds > 0 || rule.autoClear || geofenceEdgeFields(rule.condition).length > 0;

/**
 * Whether an event concerns the rule: a measure event carries one of the values the
 * condition reads (a humidity reading says nothing about a temperature threshold, and must
 * not break its holds-for stretch nor clear its alert); any other event always does.
 */
export function concerns(rule: TRuleLogic, payload: TPayload): boolean {
  const fields = valueFields(rule.condition);
  if (!fields.length) return true;
  const values = getPath(payload, "measure.values");
  if (values === undefined) return true;
  return fields.some((f) => getPath(payload, f) !== undefined);
}

const valueFieldsOf = new WeakMap<object, string[]>();
function valueFields(condition: TCondition | null): string[] {
  if (!condition) return [];
  let fields = valueFieldsOf.get(condition);
  if (!fields) {
    fields = [...new Set(conditionFields(condition).map((f) => f.field))].filter((f) => f.startsWith("measure.values."));
    valueFieldsOf.set(condition, fields);
  }
  return fields;
}

export function transition(rule: TRuleLogic, state: TRuleState, payload: TPayload, at: Date): TTransition {
  if (state.lastAt && at.getTime() < state.lastAt.getTime())
    return { holds: false, trace: null, fire: false, clear: false, state, dueAt: null, late: true };
  const lastAt = at;
  const evaluation = rule.condition ? evaluateCondition(rule.condition, payload, state.previous) : null;
  const holds = evaluation ? evaluation.holds : true;
  const trace = evaluation?.trace ?? null;
  const edgeFields = geofenceEdgeFields(rule.condition);
  const previous = edgeFields.some((f) => getPath(payload, f) !== undefined) ? payload : state.previous;
  if (rule.holdsForSeconds === 0 && !rule.autoClear)
    return { holds, trace, fire: holds, clear: false, state: { ...state, previous, lastAt }, dueAt: null };
  if (!holds)
    return {
      holds,
      trace,
      fire: false,
      clear: state.fired && rule.autoClear,
      state: { holdingSince: null, fired: false, previous, last: null, lastAt },
      dueAt: null,
    };
  const since = state.holdingSince ?? at;
  const dueAt = new Date(since.getTime() + rule.holdsForSeconds * 1000);
  const fire = !state.fired && at.getTime() >= dueAt.getTime();
  return {
    holds,
    trace,
    fire,
    clear: false,
    state: { holdingSince: since, fired: state.fired || fire, previous, last: state.fired || fire ? null : payload, lastAt },
    dueAt: !state.fired && !fire ? dueAt : null,
  };
}

/** A holds-for check at `now`: fires when the stretch that began at `since` still holds unfired. */
export function checkDue(rule: TRuleLogic, state: TRuleState, since: Date, now: Date): boolean {
  return (
    !state.fired &&
    state.holdingSince !== null &&
    state.holdingSince.getTime() === since.getTime() &&
    now.getTime() >= since.getTime() + rule.holdsForSeconds * 1000
  );
}
