"use client";
import { Button } from "@/components/ui/button";
import { useId, useState } from "react";
import { Field, Input, Select } from "@/components/ui/field";
import {
  errorsAt,
  humanize,
  initialValue,
  isColor,
  type Schema,
  switchVariant,
  typeOf,
  type Value,
  variantIndex,
  variantLabel,
  variantsOf,
  withKey,
} from "./settings-schema";
import type { Variable } from "./types";
import { COLORS } from "./widgets/common";

// The controls of a widget's settings, drawn from its JSON Schema whatever its depth: a
// choice of branches (a source: a twin or a variable; a column's kind), lists of objects
// to add to and remove from (series, columns, thresholds), nested objects, and plain values.

/** What every control of one form reads. */
export interface FormContext {
  /** The server's messages by path inside the settings (`series.0.field`). */
  errors: Record<string, string>;
  /** The dashboard's variables: a `variable` setting picks one of them. */
  variables: Variable[];
  /** What a text setting may hold (models, measures, value fields), offered as it is typed. */
  suggest?: (path: (string | number)[]) => string[];
}

interface FieldProps {
  schema: Schema;
  value: Value;
  onChange: (v: Value) => void;
  /** Where the value sits in the settings: its keys and list indexes. */
  path: (string | number)[];
  label: string;
  required: boolean;
  form: FormContext;
}

const box = "space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800";
const testId = (path: (string | number)[], suffix = "") => `setting-${path.join("-")}${suffix}`;

/** One setting, drawn by the shape its schema gives it. */
export function SettingField(props: FieldProps) {
  const { schema } = props;
  if (schema.const !== undefined) return null;
  if (variantsOf(schema).length) return <ChoiceField {...props} />;
  if (schema.enum) return <EnumField {...props} />;
  switch (typeOf(schema)) {
    case "object":
      return (
        <fieldset className={box} data-testid={testId(props.path)}>
          <legend className="px-1 text-sm font-medium">{props.label}</legend>
          {/* an object left out shows its default (a map's position measure), edited from there */}
          <ObjectFields {...props} value={props.value ?? schema.default} />
          <FieldError message={errorsAt(props.form.errors, props.path.join("."))} />
        </fieldset>
      );
    case "array":
      return schema.items?.enum ? <ChecksField {...props} /> : <ListField {...props} />;
    case "boolean":
      return <SwitchField {...props} />;
    default:
      return <PlainField {...props} />;
  }
}

/** An object's settings, each under its key (its constants, such as a column's kind, are not edited). */
export function ObjectFields({ schema, value, onChange, path, form }: FieldProps) {
  const object = (value && typeof value === "object" ? value : {}) as Record<string, Value>;
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, p]) => {
        const required = schema.required?.includes(key) ?? false;
        return (
          <SettingField
            key={key}
            schema={p}
            value={object[key]}
            onChange={(v) => onChange(withKey(object, key, v, required))}
            path={[...path, key]}
            label={`${p.title ?? humanize(key)}${required ? " *" : ""}`}
            required={required}
            form={form}
          />
        );
      })}
    </>
  );
}

/** A choice between branches (anyOf / oneOf): which one, then that branch's settings. */
function ChoiceField(props: FieldProps) {
  const { schema, value, onChange, path, label, form } = props;
  const shown = value ?? schema.default;
  const index = Math.max(0, variantIndex(schema, shown));
  const variant = variantsOf(schema)[index] as Schema;
  // what each branch held when left, given back on coming back to it (a twin's model and reference)
  const [left, setLeft] = useState<Record<number, Value>>({});
  return (
    <fieldset className={box} data-testid={testId(path)}>
      <legend className="px-1 text-sm font-medium">{label}</legend>
      <Field label="Kind" error={errorsAt(form.errors, path.join("."))} hint={schema.description}>
        {(attrs) => (
          <Select
            {...attrs}
            value={String(index)}
            data-testid={testId(path, "-variant")}
            onChange={(e) => {
              const to = Number(e.target.value);
              setLeft((l) => ({ ...l, [index]: shown }));
              onChange(left[to] ?? switchVariant(schema, shown, to));
            }}
          >
            {variantsOf(schema).map((v, i) => (
              <option key={variantLabel(v, i)} value={i}>
                {variantLabel(v, i)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <ObjectFields {...props} schema={variant} value={shown} />
    </fieldset>
  );
}

/** A list of objects (or of choices), each removable, with one more added at the end. */
function ListField({ schema, value, onChange, path, label, form }: FieldProps) {
  const items = Array.isArray(value) ? value : Array.isArray(schema.default) ? (schema.default as Value[]) : [];
  const itemSchema = schema.items ?? {};
  const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
  const error = errorsAt(form.errors, path.join("."));
  return (
    <fieldset className={box} data-testid={testId(path)}>
      <legend className="px-1 text-sm font-medium">{label}</legend>
      {items.map((item, i) => {
        const at = [...path, i];
        const set = (v: Value) => onChange(items.map((x, j) => (j === i ? v : x)));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a list item has no identity but its place
          <div key={i} className="space-y-2 border-l-2 border-zinc-200 pl-3 dark:border-zinc-700">
            <div className="flex items-center justify-between text-xs text-zinc-500">
              <span>#{i + 1}</span>
              <Button
                size="sm"
                variant="ghost"
                data-testid={testId(at, "-remove")}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              >
                Remove
              </Button>
            </div>
            <FieldError message={errorsAt(form.errors, at.join("."))} />
            {typeOf(itemSchema) === "object" && !variantsOf(itemSchema).length ? (
              <ObjectFields schema={itemSchema} value={item} onChange={set} path={at} label="" required form={form} />
            ) : (
              <SettingField schema={itemSchema} value={item} onChange={set} path={at} label={`#${i + 1}`} required form={form} />
            )}
          </div>
        );
      })}
      {error && (
        <p className="text-xs text-red-600" role="alert">
          {error}
        </p>
      )}
      <Button
        size="sm"
        variant="secondary"
        disabled={full}
        data-testid={testId(path, "-add")}
        onClick={() => onChange([...items, initialValue(itemSchema)])}
      >
        Add
      </Button>
    </fieldset>
  );
}

/** A list of choices from a fixed set (an alert widget's severities): a box each. */
function ChecksField({ schema, value, onChange, path, label, form }: FieldProps) {
  const chosen = Array.isArray(value) ? value : [];
  const options = schema.items?.enum ?? [];
  return (
    <fieldset className={box} data-testid={testId(path)}>
      <legend className="px-1 text-sm font-medium">{label}</legend>
      <div className="flex flex-wrap gap-3">
        {options.map((o) => (
          <label key={String(o)} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              checked={chosen.includes(o)}
              data-testid={testId(path, `-${String(o)}`)}
              onChange={(e) =>
                onChange(e.target.checked ? options.filter((x) => x === o || chosen.includes(x)) : chosen.filter((x) => x !== o))
              }
            />
            {String(o)}
          </label>
        ))}
      </div>
      <FieldError message={errorsAt(form.errors, path.join("."), true)} />
    </fieldset>
  );
}

function EnumField({ schema, value, onChange, path, label, required, form }: FieldProps) {
  return (
    <Field label={label} error={errorsAt(form.errors, path.join("."))} hint={schema.description}>
      {(attrs) => (
        <Select {...attrs} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} data-testid={testId(path)}>
          {(!required || value === undefined) && (
            <option value="">{schema.default !== undefined ? `(default: ${String(schema.default)})` : "Choose…"}</option>
          )}
          {schema.enum?.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

function SwitchField({ schema, value, onChange, path, label, form }: FieldProps) {
  return (
    <div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={Boolean(value ?? schema.default)}
          onChange={(e) => onChange(e.target.checked)}
          data-testid={testId(path)}
        />
        {label}
      </label>
      <FieldError message={errorsAt(form.errors, path.join("."))} />
    </div>
  );
}

/** Text, a number, a colour, or (for a `variable` setting) one of the dashboard's variables. */
const COLOR = /^#[0-9a-f]{6}$/i;

function PlainField({ schema, value, onChange, path, label, required, form }: FieldProps) {
  const type = typeOf(schema);
  const numeric = type === "number" || type === "integer";
  // a number's text as typed ("1.", "-", "1.0"), shown while it still means the value held
  const [draft, setDraft] = useState<string | null>(null);
  const listId = useId();
  const offered = numeric ? [] : (form.suggest?.(path) ?? []);
  const held = value === undefined || value === null ? "" : String(value);
  const shown = numeric && draft !== null && (draft.trim() === "" ? value === undefined : Number(draft) === value) ? draft : held;
  const error = errorsAt(form.errors, path.join("."));
  const hint = schema.description;
  if (path.at(-1) === "variable")
    return (
      <Field label={label} error={error} hint={form.variables.length ? hint : "add a variable to the dashboard first"}>
        {(attrs) => (
          <Select {...attrs} value={String(value ?? "")} onChange={(e) => onChange(e.target.value)} data-testid={testId(path)}>
            <option value="">{required ? "Choose…" : "(none)"}</option>
            {form.variables.map((v) => (
              <option key={v.name} value={v.name}>
                {v.label || v.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
    );
  return (
    <Field label={label} error={error} hint={hint}>
      {(attrs) => (
        <div className="flex items-center gap-2">
          {isColor(schema) &&
            (typeof value === "string" && COLOR.test(value) ? (
              <input
                type="color"
                aria-label={`${label} picker`}
                value={value}
                onChange={(e) => onChange(e.target.value)}
                className="h-9 w-10 shrink-0 cursor-pointer rounded border border-zinc-300 dark:border-zinc-700"
              />
            ) : (
              // a colour input cannot be empty: unset, a button starts it on the palette's first
              <Button size="sm" variant="secondary" aria-label={`${label}: choose`} onClick={() => onChange(COLORS[0])}>
                Choose
              </Button>
            ))}
          <Input
            {...attrs}
            type={numeric ? "number" : "text"}
            min={schema.minimum}
            max={schema.maximum !== undefined && schema.maximum < 1e15 ? schema.maximum : undefined}
            step={type === "integer" ? 1 : "any"}
            value={shown}
            list={offered.length ? listId : undefined}
            placeholder={schema.default !== undefined ? String(schema.default) : isColor(schema) ? "#rrggbb" : undefined}
            data-testid={testId(path)}
            onChange={(e) => {
              const text = e.target.value;
              if (!numeric) return onChange(text);
              setDraft(text);
              const n = Number(text);
              // half-typed ("-", "1e"): the value waits for the rest
              if (text.trim() === "") onChange(undefined);
              else if (Number.isFinite(n)) onChange(n);
            }}
          />
          {offered.length > 0 && (
            <datalist id={listId}>
              {offered.map((o) => (
                <option key={o} value={o} />
              ))}
            </datalist>
          )}
        </div>
      )}
    </Field>
  );
}

function FieldError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="text-xs text-red-600 dark:text-red-400" role="alert">
      {message}
    </p>
  );
}
