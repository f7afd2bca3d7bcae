"use client";
import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Options, Select } from "@/components/ui/field";
import { type CondRow, conditionToRows, type Draft, OPS, rowsToCondition } from "./draft";
import { explainCondition } from "./explain";

/** Field comparisons combined by all / any, or the condition as raw JSON; its explanation in words under it. */
export function ConditionBuilder({
  draft,
  onChange,
  paths,
  errors,
}: {
  draft: Draft;
  onChange: (patch: Partial<Draft>) => void;
  paths: string[];
  errors: Record<string, string>;
}) {
  const listId = useId();
  const [modeNote, setModeNote] = useState<string | null>(null);
  const setRow = (i: number, patch: Partial<CondRow>) =>
    onChange({ rows: draft.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const single = draft.rows.filter((r) => r.field.trim()).length === 1;
  // where the server's issues of row i are: condition.* for one row, condition.<all|any>.i.* else
  const rowError = (i: number) => {
    const prefix = single ? "condition" : `condition.${draft.combinator}.${i}`;
    return Object.entries(errors)
      .filter(([path]) => path === prefix || path.startsWith(`${prefix}.`))
      .map(([path, message]) => `${path.slice(prefix.length + 1) || "condition"}: ${message}`)
      .join("; ");
  };

  let condition: unknown = null;
  let jsonError: string | null = null;
  if (draft.condMode === "json") {
    if (draft.condJson.trim())
      try {
        condition = JSON.parse(draft.condJson);
      } catch (e) {
        jsonError = (e as Error).message;
      }
  } else condition = rowsToCondition(draft.combinator, draft.rows);

  function toJson() {
    setModeNote(null);
    onChange({ condMode: "json", condJson: condition ? JSON.stringify(condition, null, 2) : "" });
  }
  function toBuilder() {
    const rows = jsonError ? null : conditionToRows(condition);
    if (!rows) {
      setModeNote("The builder cannot show this condition (geofence, twin filter, not, nesting, invalid JSON): edit it as JSON.");
      return;
    }
    setModeNote(null);
    onChange({ condMode: "builder", ...rows });
  }
  const general = Object.entries(errors).filter(
    ([path]) => draft.condMode === "json" && (path === "condition" || path.startsWith("condition.")),
  );

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        {draft.condMode === "builder" ? (
          <>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">Fires when</span>
            <div className="w-24">
              <Select
                aria-label="Combine conditions"
                value={draft.combinator}
                onChange={(e) => onChange({ combinator: e.target.value as "all" | "any" })}
                data-testid="cond-combinator"
              >
                <option value="all">all</option>
                <option value="any">any</option>
              </Select>
            </div>
            <span className="text-sm text-zinc-600 dark:text-zinc-400">
              of these hold{draft.rows.length ? "" : " (none: always)"}
            </span>
          </>
        ) : (
          <span className="text-sm text-zinc-600 dark:text-zinc-400">
            Condition document (all, any, not, field comparisons, geofence, twin filters); empty: always.
          </span>
        )}
        <Button
          size="sm"
          variant="ghost"
          className="ml-auto"
          data-testid="cond-mode"
          onClick={() => (draft.condMode === "builder" ? toJson() : toBuilder())}
        >
          {draft.condMode === "builder" ? "JSON" : "Builder"}
        </Button>
      </div>

      {draft.condMode === "builder" ? (
        <div className="space-y-2">
          <datalist id={listId}>
            {paths.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          {draft.rows.map((row, i) => {
            const error = rowError(i);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
              <div key={i} className="space-y-1" data-testid="cond-row">
                <div className="grid grid-cols-[minmax(0,1fr)_9rem_10rem_auto] items-center gap-2">
                  <Input
                    aria-label={`Field ${i + 1}`}
                    placeholder="measure.values.temperature"
                    list={listId}
                    value={row.field}
                    onChange={(e) => setRow(i, { field: e.target.value })}
                    className="font-mono"
                    data-testid={`cond-field-${i}`}
                    aria-invalid={Boolean(error)}
                  />
                  <Select
                    aria-label={`Operator ${i + 1}`}
                    value={row.op}
                    onChange={(e) =>
                      setRow(i, {
                        op: e.target.value as CondRow["op"],
                        ...(e.target.value === "exists" ? { value: "true" } : {}),
                      })
                    }
                    data-testid={`cond-op-${i}`}
                  >
                    <Options items={OPS.map((o) => ({ value: o.value, label: `${o.label} (${o.value})` }))} />
                  </Select>
                  {row.op === "exists" ? (
                    <Select
                      aria-label={`Value ${i + 1}`}
                      value={row.value === "false" ? "false" : "true"}
                      onChange={(e) => setRow(i, { value: e.target.value })}
                      data-testid={`cond-value-${i}`}
                    >
                      <option value="true">is present</option>
                      <option value="false">is absent</option>
                    </Select>
                  ) : (
                    <Input
                      aria-label={`Value ${i + 1}`}
                      placeholder={row.op === "in" ? "a, b, 3" : "30"}
                      value={row.value}
                      onChange={(e) => setRow(i, { value: e.target.value })}
                      data-testid={`cond-value-${i}`}
                    />
                  )}
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Remove condition ${i + 1}`}
                    onClick={() => onChange({ rows: draft.rows.filter((_, j) => j !== i) })}
                  >
                    ✕
                  </Button>
                </div>
                {error && (
                  <p className="text-xs text-red-600 dark:text-red-400" role="alert">
                    {error}
                  </p>
                )}
              </div>
            );
          })}
          <Button
            size="sm"
            variant="secondary"
            data-testid="cond-add"
            onClick={() => onChange({ rows: [...draft.rows, { field: "", op: "gt", value: "" }] })}
          >
            Add a condition
          </Button>
          <p className="text-xs text-zinc-500">Numbers are compared as numbers; quote a value ("42") to compare it as text.</p>
        </div>
      ) : (
        <div className="space-y-1">
          <textarea
            aria-label="Condition JSON"
            data-testid="cond-json"
            value={draft.condJson}
            onChange={(e) => onChange({ condJson: e.target.value })}
            rows={10}
            spellCheck={false}
            placeholder='{ "all": [{ "field": "measure.values.temperature", "op": "gt", "value": 30 }] }'
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
          />
          {jsonError && <p className="text-xs text-red-600">Not valid JSON: {jsonError}</p>}
          {modeNote && <p className="text-xs text-amber-700 dark:text-amber-400">{modeNote}</p>}
          {general.map(([path, message]) => (
            <p key={path} className="text-xs text-red-600 dark:text-red-400" role="alert">
              {path}: {message}
            </p>
          ))}
        </div>
      )}
      <p
        className="rounded bg-zinc-50 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800/60 dark:text-zinc-300"
        data-testid="cond-explain"
      >
        {jsonError ? "—" : condition ? `When ${explainCondition(condition)}` : "Always (no condition)"}
      </p>
    </div>
  );
}
