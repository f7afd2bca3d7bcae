"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc";
import { Field } from "@/components/ui/field";
import { ObjectFields } from "./settings-fields";
import { type Catalog, suggestionsFor } from "./settings-suggestions";
import type { Schema } from "./settings-schema";
import type { Variable } from "./types";

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

/** The tenant's models and measure types, as the form offers them. */
function useCatalog(): Catalog {
  const trpc = useTRPC();
  const assets = useQuery(trpc.models.listAssets.queryOptions({}));
  const devices = useQuery(trpc.models.listDevices.queryOptions());
  const types = useQuery(trpc.models.listMeasures.queryOptions());
  const info = (m: { model: string; measures: { name: string; type: string }[]; metadataMappings: object }) => ({
    model: m.model,
    measures: m.measures,
    metadata: Object.keys(m.metadataMappings),
  });
  return {
    assets: (assets.data ?? []).map(info),
    devices: (devices.data ?? []).map(info),
    types: (types.data ?? []).map((t) => ({ name: t.name, fields: Object.keys(t.fields) })),
  };
}

/**
 * A widget's settings form drawn from its JSON Schema (see settings-fields.tsx), and under
 * it the whole settings as JSON, to paste or copy them.
 */
export function SettingsForm({
  schema,
  value,
  onChange,
  errors,
  variables,
}: {
  schema: Record<string, unknown> | undefined;
  value: unknown;
  onChange: (v: Record<string, unknown>) => void;
  /** Messages by path inside the settings (`series.0.field`). */
  errors: Record<string, string>;
  variables: Variable[];
}) {
  const settings = (value && typeof value === "object" ? value : {}) as Record<string, unknown>;
  const catalog = useCatalog();
  return (
    <div className="space-y-3">
      <ObjectFields
        schema={(schema ?? {}) as Schema}
        value={settings}
        onChange={(v) => onChange(v as Record<string, unknown>)}
        path={[]}
        label=""
        required
        form={{ errors, variables, suggest: (path) => suggestionsFor(catalog, variables, settings, path) }}
      />
      <details className="border-t border-zinc-200 pt-3 dark:border-zinc-800" data-testid="widget-settings-raw">
        <summary className="cursor-pointer text-sm text-zinc-500">Settings as JSON</summary>
        <div className="mt-2">
          <JsonText
            label="Settings"
            value={settings}
            rows={10}
            testId="widget-settings-json"
            onChange={(v) => onChange((v && typeof v === "object" ? v : {}) as Record<string, unknown>)}
          />
        </div>
      </details>
    </div>
  );
}
