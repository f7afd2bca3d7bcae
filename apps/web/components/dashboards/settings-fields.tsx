"use client";
import { Button } from "@/components/ui/button";
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

// The controls of a widget's settings, drawn from its JSON Schema whatever its depth: a
// choice of branches (a source: a twin or a variable; a column's kind), lists of objects
// to add to and remove from (series, columns, thresholds), nested objects, and plain values.

/** What every control of one form reads. */
export interface FormContext {
  /** The server's messages by path inside the settings (`series.0.field`). */
  errors: Record<string, string>;
  /** The dashboard's variables: a `variable` setting picks one of them. */
  variables: Variable[];
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
  const index = variantIndex(schema, shown);
  const variant = variantsOf(schema)[index] as Schema;
  return (
    <fieldset className={box} data-testid={testId(path)}>
      <legend className="px-1 text-sm font-medium">{label}</legend>
      <Field label="Kind" error={errorsAt(form.errors, path.join("."))} hint={schema.description}>
        {(attrs) => (
          <Select
            {...attrs}
            value={String(index)}
            data-testid={testId(path, "-variant")}
            onChange={(e) => onChange(switchVariant(schema, shown, Number(e.target.value)))}
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
function PlainField({ schema, value, onChange, path, label, required, form }: FieldProps) {
  const type = typeOf(schema);
  const numeric = type === "number" || type === "integer";
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
          {isColor(schema) && (
            <input
              type="color"
              aria-label={`${label} picker`}
              value={typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value) ? value : "#3b82f6"}
              onChange={(e) => onChange(e.target.value)}
              className="h-9 w-10 shrink-0 cursor-pointer rounded border border-zinc-300 dark:border-zinc-700"
            />
          )}
          <Input
            {...attrs}
            type={numeric ? "number" : "text"}
            min={schema.minimum}
            max={schema.maximum !== undefined && schema.maximum < 1e15 ? schema.maximum : undefined}
            step={type === "integer" ? 1 : "any"}
            value={value === undefined || value === null ? "" : String(value)}
            placeholder={schema.default !== undefined ? String(schema.default) : isColor(schema) ? "#3b82f6" : undefined}
            data-testid={testId(path)}
            onChange={(e) => {
              const text = e.target.value;
              onChange(numeric ? (text === "" ? undefined : Number(text)) : text);
            }}
          />
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
