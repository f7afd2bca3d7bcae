"use client";
import type { TTwinFilter } from "@iot/core";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { allOf } from "@/lib/twin-filter";

// The console's face of the twin filter language: free text, model, "seen within", and
// any number of metadata conditions, all combined with AND.

export interface FilterState {
  text: string;
  model: string;
  seen: "" | "1h" | "24h" | "7d" | "never";
  conditions: { field: string; op: "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "contains" | "exists"; value: string }[];
}

export const EMPTY_FILTER: FilterState = { text: "", model: "", seen: "", conditions: [] };

const SEEN_SECONDS = { "1h": 3600, "24h": 86_400, "7d": 7 * 86_400 } as const;

/** A typed condition value: numbers stay numbers, true/false booleans, the rest text. */
function typed(value: string): string | number | boolean {
  if (value === "true" || value === "false") return value === "true";
  return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
}

export function toTwinFilter(state: FilterState): TTwinFilter | undefined {
  const parts: TTwinFilter[] = [];
  if (state.text.trim()) parts.push({ text: state.text.trim() });
  if (state.model) parts.push({ model: state.model });
  if (state.seen === "never") parts.push({ lastSeen: { never: true } });
  else if (state.seen) parts.push({ lastSeen: { withinSeconds: SEEN_SECONDS[state.seen] } });
  for (const c of state.conditions) {
    if (!c.field) continue;
    if (c.op === "exists") parts.push({ metadata: { field: c.field, op: "exists", value: true } });
    else if (c.op === "contains") c.value && parts.push({ metadata: { field: c.field, op: "contains", value: c.value } });
    else if (c.op === "eq" || c.op === "ne") parts.push({ metadata: { field: c.field, op: c.op, value: typed(c.value) } });
    else {
      const v = typed(c.value);
      parts.push({ metadata: { field: c.field, op: c.op, value: typeof v === "boolean" ? String(v) : v } });
    }
  }
  return allOf(parts);
}

const OPS = [
  ["eq", "="],
  ["ne", "≠"],
  ["gt", ">"],
  ["gte", "≥"],
  ["lt", "<"],
  ["lte", "≤"],
  ["contains", "contains"],
  ["exists", "is set"],
] as const;

export function FilterBuilder({
  state,
  onChange,
  models,
  fields,
}: {
  state: FilterState;
  onChange: (s: FilterState) => void;
  models: string[];
  fields: string[];
}) {
  const setCondition = (i: number, patch: Partial<FilterState["conditions"][number]>) =>
    onChange({ ...state, conditions: state.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <div className="w-full space-y-2">
      <div className="flex flex-wrap gap-2">
        <Input
          type="search"
          placeholder="Search reference or metadata"
          aria-label="Search"
          value={state.text}
          onChange={(e) => onChange({ ...state, text: e.target.value })}
          className="max-w-xs"
        />
        <Select
          aria-label="Model"
          value={state.model}
          onChange={(e) => onChange({ ...state, model: e.target.value })}
          className="max-w-[12rem]"
        >
          <option value="">All models</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </Select>
        <Select
          aria-label="Last seen"
          value={state.seen}
          onChange={(e) => onChange({ ...state, seen: e.target.value as FilterState["seen"] })}
          className="max-w-[12rem]"
        >
          <option value="">Seen any time</option>
          <option value="1h">Seen in the last hour</option>
          <option value="24h">Seen in the last 24 h</option>
          <option value="7d">Seen in the last 7 days</option>
          <option value="never">Never seen</option>
        </Select>
        <Button
          variant="secondary"
          onClick={() =>
            onChange({ ...state, conditions: [...state.conditions, { field: fields[0] ?? "", op: "eq", value: "" }] })
          }
        >
          + Metadata condition
        </Button>
      </div>
      {state.conditions.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
        <div key={i} className="flex flex-wrap items-center gap-2" data-testid="filter-condition">
          <Input
            aria-label="Metadata field"
            list="metadata-fields"
            value={c.field}
            onChange={(e) => setCondition(i, { field: e.target.value })}
            className="max-w-[12rem]"
          />
          <Select
            aria-label="Operator"
            value={c.op}
            onChange={(e) => setCondition(i, { op: e.target.value as typeof c.op })}
            className="max-w-[8rem]"
          >
            {OPS.map(([op, label]) => (
              <option key={op} value={op}>
                {label}
              </option>
            ))}
          </Select>
          {c.op !== "exists" && (
            <Input
              aria-label="Value"
              value={c.value}
              onChange={(e) => setCondition(i, { value: e.target.value })}
              className="max-w-[12rem]"
            />
          )}
          <Button
            variant="ghost"
            size="sm"
            aria-label="Remove condition"
            onClick={() => onChange({ ...state, conditions: state.conditions.filter((_, j) => j !== i) })}
          >
            ×
          </Button>
        </div>
      ))}
      <datalist id="metadata-fields">
        {fields.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
    </div>
  );
}
