"use client";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors } from "@/lib/trpc";

type Mapping = Record<string, { type: string; required?: boolean }>;
type Details = Record<
  string,
  {
    group?: string;
    locales?: { en?: { friendlyName: string; description?: string } };
    editorHint?: { type: string; values?: string[] };
  }
>;

/** Form text to the typed value the model expects; "" clears the field (null). */
function toValue(type: string, raw: string | boolean | { lat: string; lon: string }): unknown {
  if (type === "boolean") return raw === true;
  if (type === "geopoint") {
    const p = raw as { lat: string; lon: string };
    return p.lat === "" && p.lon === "" ? null : { lat: Number(p.lat), lon: Number(p.lon) };
  }
  if (raw === "") return null;
  if (type === "integer" || type === "float") return Number(raw);
  return raw;
}

function toText(type: string, value: unknown): string | boolean | { lat: string; lon: string } {
  if (type === "boolean") return value === true;
  if (type === "geopoint") {
    const p = value as { lat?: number; lon?: number } | undefined;
    return { lat: p?.lat?.toString() ?? "", lon: p?.lon?.toString() ?? "" };
  }
  return value === undefined || value === null ? "" : String(value);
}

/**
 * Metadata of a twin, the form drawn from its model: one control per mapped field, typed,
 * labelled from the model's details, with its editor hint (read-only, options, date).
 * Server-side errors land on their field.
 */
export function MetadataForm({
  mappings,
  details,
  value,
  pending,
  error,
  readOnly,
  onSubmit,
}: {
  mappings: Mapping;
  details: Details;
  value: Record<string, unknown>;
  pending: boolean;
  error: unknown;
  readOnly: boolean;
  onSubmit: (metadata: Record<string, unknown>) => void;
}) {
  const fields = Object.entries(mappings);
  const [draft, setDraft] = useState(() => Object.fromEntries(fields.map(([k, m]) => [k, toText(m.type, value[k])])));
  const errors = fieldErrors(error);
  if (!fields.length) return <p className="text-sm text-zinc-500">The model declares no metadata.</p>;

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit(Object.fromEntries(fields.map(([k, m]) => [k, toValue(m.type, draft[k] ?? "")])));
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {Boolean(error) && !Object.keys(errors).length && <Notice>{errorMessage(error)}</Notice>}
      <div className="grid gap-4 sm:grid-cols-2">
        {fields.map(([name, mapping]) => {
          const detail = details[name];
          const label = detail?.locales?.en?.friendlyName ?? name;
          const hint = detail?.editorHint;
          const locked = readOnly || hint?.type === "readOnly";
          const current = draft[name];
          const set = (v: (typeof draft)[string]) => setDraft({ ...draft, [name]: v });
          return (
            <Field
              key={name}
              label={`${label}${mapping.required ? " *" : ""}`}
              error={errors[`metadata.${name}`]}
              hint={detail?.locales?.en?.description ?? mapping.type}
            >
              {(p) =>
                mapping.type === "boolean" ? (
                  <input
                    {...p}
                    type="checkbox"
                    checked={current === true}
                    disabled={locked}
                    onChange={(e) => set(e.target.checked)}
                    className="size-4"
                  />
                ) : mapping.type === "geopoint" ? (
                  <div className="flex gap-2">
                    <Input
                      {...p}
                      aria-label={`${label} latitude`}
                      placeholder="lat"
                      inputMode="decimal"
                      disabled={locked}
                      value={(current as { lat: string }).lat}
                      onChange={(e) => set({ ...(current as { lat: string; lon: string }), lat: e.target.value })}
                    />
                    <Input
                      aria-label={`${label} longitude`}
                      placeholder="lon"
                      inputMode="decimal"
                      disabled={locked}
                      value={(current as { lon: string }).lon}
                      onChange={(e) => set({ ...(current as { lat: string; lon: string }), lon: e.target.value })}
                    />
                  </div>
                ) : hint?.type === "optionsList" && hint.values ? (
                  <Select {...p} disabled={locked} value={current as string} onChange={(e) => set(e.target.value)}>
                    <option value="">—</option>
                    {hint.values.map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </Select>
                ) : (
                  <Input
                    {...p}
                    disabled={locked}
                    type={
                      mapping.type === "integer" || mapping.type === "float"
                        ? "number"
                        : mapping.type === "date"
                          ? "date"
                          : "text"
                    }
                    step={mapping.type === "float" ? "any" : undefined}
                    value={current as string}
                    onChange={(e) => set(e.target.value)}
                  />
                )
              }
            </Field>
          );
        })}
      </div>
      {!readOnly && (
        <div className="flex justify-end">
          <Button type="submit" disabled={pending}>
            Save metadata
          </Button>
        </div>
      )}
    </form>
  );
}
