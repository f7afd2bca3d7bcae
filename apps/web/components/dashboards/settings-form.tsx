"use client";
import { useState } from "react";
import { Field, Input, Select } from "@/components/ui/field";

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
};

const jsonArea =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900";

/** JSON edited as text: applied when it parses, the text kept while it does not. */
function JsonText({
  value,
  onChange,
  rows,
  testId,
  label,
  error,
}: {
  value: unknown;
  onChange: (v: unknown) => void;
  rows: number;
  testId?: string;
  label: string;
  error?: string | undefined;
}) {
  const text = JSON.stringify(value ?? null, null, 2);
  const [draft, setDraft] = useState<{ text: string; from: string } | null>(null);
  const shown = draft && draft.from === text ? draft.text : text;
  let parseError: string | undefined;
  try {
    JSON.parse(shown);
  } catch (e) {
    parseError = (e as Error).message;
  }
  return (
    <Field label={label} error={parseError ?? error}>
      {(props) => (
        <textarea
          {...props}
          rows={rows}
          spellCheck={false}
          value={shown}
          data-testid={testId}
          className={jsonArea}
          onChange={(e) => {
            try {
              const parsed = JSON.parse(e.target.value);
              setDraft(null);
              onChange(parsed);
            } catch {
              setDraft({ text: e.target.value, from: text });
            }
          }}
        />
      )}
    </Field>
  );
}

/**
 * A widget's settings form drawn from its JSON Schema: a control per plain property (text,
 * number, choice, switch), JSON for nested ones, and the whole settings as raw JSON.
 */
export function SettingsForm({
  schema,
  value,
  onChange,
  errors,
}: {
  schema: Record<string, unknown> | undefined;
  value: unknown;
  onChange: (v: Record<string, unknown>) => void;
  /** Messages by path inside the settings (`series.0.field`). */
  errors: Record<string, string>;
}) {
  const s = (schema ?? {}) as Schema;
  const settings = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const set = (k: string, v: unknown) => {
    const next = { ...settings };
    if (v === undefined || v === "" || v === null) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  const errorOf = (k: string) =>
    Object.entries(errors)
      .filter(([p]) => p === k || p.startsWith(`${k}.`))
      .map(([p, m]) => (p === k ? m : `${p.slice(k.length + 1)}: ${m}`))
      .join("; ") || undefined;
  return (
    <div className="space-y-3">
      {Object.entries(s.properties ?? {}).map(([k, p]) => {
        const required = s.required?.includes(k);
        const label = `${k}${required ? " *" : ""}`;
        const error = errorOf(k);
        const type = Array.isArray(p.type) ? p.type[0] : p.type;
        const hint = p.description;
        if (p.enum)
          return (
            <Field key={k} label={label} error={error} hint={hint}>
              {(props) => (
                <Select
                  {...props}
                  value={String(settings[k] ?? "")}
                  onChange={(e) => set(k, e.target.value)}
                  data-testid={`setting-${k}`}
                >
                  {!required && <option value="">(default{p.default !== undefined ? ` ${String(p.default)}` : ""})</option>}
                  {p.enum?.map((o) => (
                    <option key={String(o)} value={String(o)}>
                      {String(o)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          );
        if (type === "boolean")
          return (
            <label key={k} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={Boolean(settings[k] ?? p.default)}
                onChange={(e) => set(k, e.target.checked)}
                data-testid={`setting-${k}`}
              />
              {k}
              {error && <span className="text-xs text-red-600">{error}</span>}
            </label>
          );
        if (type === "string" || type === "number" || type === "integer")
          return (
            <Field key={k} label={label} error={error} hint={hint}>
              {(props) => (
                <Input
                  {...props}
                  type={type === "string" ? "text" : "number"}
                  min={p.minimum}
                  max={p.maximum}
                  value={String(settings[k] ?? "")}
                  placeholder={p.default !== undefined ? String(p.default) : undefined}
                  data-testid={`setting-${k}`}
                  onChange={(e) => set(k, type === "string" || e.target.value === "" ? e.target.value : Number(e.target.value))}
                />
              )}
            </Field>
          );
        return (
          <JsonText
            key={k}
            label={`${label} (JSON)`}
            value={settings[k] ?? p.default ?? null}
            rows={4}
            error={error}
            testId={`setting-${k}`}
            onChange={(v) => set(k, v)}
          />
        );
      })}
      <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
        <div>
          <JsonText
            label="Settings"
            value={settings}
            rows={10}
            testId="widget-settings-json"
            onChange={(v) => onChange((v && typeof v === "object" ? v : {}) as Record<string, unknown>)}
          />
        </div>
      </div>
    </div>
  );
}
