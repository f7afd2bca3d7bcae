import { describe, expect, it } from "vitest";
import { concerns, EMPTY_STATE, type TRuleLogic, transition } from "./transition";

const rule: TRuleLogic = {
  condition: { field: "measure.values.temperature", op: "gt", value: 30 },
  holdsForSeconds: 60,
  autoClear: true,
};
const reading = (temperature: number) => ({ measure: { values: { temperature } } });
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe("rule transitions", () => {
  it("fires once the condition held for its time, once per stretch, and clears when it stops", () => {
    let t = transition(rule, EMPTY_STATE, reading(35), at(0));
    expect(t).toMatchObject({ holds: true, fire: false, dueAt: at(60) });
    t = transition(rule, t.state, reading(36), at(30));
    expect(t.fire).toBe(false);
    t = transition(rule, t.state, reading(37), at(60));
    expect(t.fire).toBe(true);
    t = transition(rule, t.state, reading(38), at(90));
    expect(t.fire).toBe(false); // still the same stretch
    t = transition(rule, t.state, reading(20), at(120));
    expect(t).toMatchObject({ holds: false, clear: true, state: { holdingSince: null, fired: false } });
  });

  it("ignores an event older than the newest it took in", () => {
    const holding = transition(rule, EMPTY_STATE, reading(35), at(10)).state;
    const late = transition(rule, holding, reading(20), at(5));
    expect(late).toMatchObject({ late: true, clear: false, state: holding });
  });

  it("is not concerned by measures without the values its condition reads", () => {
    expect(concerns(rule, { measure: { values: { humidity: 50 } } })).toBe(false);
    expect(concerns(rule, reading(10))).toBe(true);
    expect(concerns(rule, { event: "asset.updated" })).toBe(true);
    expect(
      concerns({ ...rule, condition: { field: "twin.metadata.floor", op: "eq", value: 1 } }, { measure: { values: {} } }),
    ).toBe(true);
  });
});
