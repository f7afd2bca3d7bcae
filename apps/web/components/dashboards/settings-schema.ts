// A widget type's settings schema (JSON Schema, as the server sends it from its zod
// schemas) read for the settings form: which control a property gets, which branch of a
// choice a value is on, what a new list item or a switched branch starts as. Apart from
// React so it is tested on its own.

export type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};

export type Value = unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema's type, or the first of several. */
export const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type[0] : s.type);

/** The branches of a choice (anyOf or oneOf), or none. */
export const variantsOf = (s: Schema): Schema[] => s.anyOf ?? s.oneOf ?? [];

/** `pageSize` → "Page size", `tileUrl` → "Tile URL". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .replace(/\burl\b/g, "URL")
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A colour property: drawn as a colour picker. */
export const isColor = (s: Schema) => typeOf(s) === "string" && s.pattern?.includes("#[0-9a-fA-F]{6}") === true;

/** What a value of this schema starts as: its default, or its required parts at their first choice. */
export function initialValue(s: Schema): Value {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const variants = variantsOf(s);
  if (variants[0]) return initialValue(variants[0]);
  // a colour that is required (a threshold's) starts as a warning red, not as an invalid ""
  if (isColor(s)) return "#dc2626";
  switch (typeOf(s)) {
    case "object": {
      const out: Obj = {};
      for (const key of s.required ?? []) {
        const p = s.properties?.[key];
        if (p) out[key] = initialValue(p);
      }
      return out;
    }
    case "array":
      return [];
    case "boolean":
      return false;
    case "number":
    case "integer":
      return s.minimum !== undefined && s.minimum > 0 ? s.minimum : 0;
    default:
      return "";
  }
}

/** A branch's name in the choice: its title, the value of its constant (a column's kind), or its one required key. */
export function variantLabel(s: Schema, index: number): string {
  if (s.title) return s.title;
  for (const p of Object.values(s.properties ?? {})) if (typeof p.const === "string") return humanize(p.const);
  const key = s.required?.[0];
  return key ? humanize(key) : `Option ${index + 1}`;
}

/** Whether a value is on this branch: its constants match and its required keys are there. */
function fits(s: Schema, value: Value): boolean {
  if (!isObj(value)) return typeOf(s) !== "object" && s.const === undefined;
  for (const [key, p] of Object.entries(s.properties ?? {})) if (p.const !== undefined && value[key] !== p.const) return false;
  return (s.required ?? []).every((key) => key in value);
}

/** The branch a value is on (the first that fits), or -1 when none does. */
export function variantIndex(s: Schema, value: Value): number {
  return variantsOf(s).findIndex((v) => fits(v, value));
}

/** A value moved to another branch: that branch's start, keeping what the two share (a label, a measure). */
export function switchVariant(s: Schema, value: Value, to: number): Value {
  const target = variantsOf(s)[to];
  if (!target) return value;
  const start = initialValue(target);
  if (!isObj(start) || !isObj(value)) return start;
  const kept = Object.fromEntries(
    Object.entries(value).filter(([k]) => k in (target.properties ?? {}) && target.properties?.[k]?.const === undefined),
  );
  return { ...start, ...kept };
}

/** An object with one key set, or removed when emptied (an optional setting left blank is not sent). */
export function withKey(object: Value, key: string, v: Value, required: boolean): Obj {
  const next = { ...(isObj(object) ? object : {}) };
  if (!required && (v === undefined || v === "" || v === null)) delete next[key];
  else next[key] = v;
  return next;
}

/** The messages at a path (`series.0.field`), and below it when `below`. */
export function errorsAt(errors: Record<string, string>, path: string, below = false): string | undefined {
  const found = Object.entries(errors)
    .filter(([p]) => p === path || (below && p.startsWith(`${path}.`)))
    .map(([p, m]) => (p === path ? m : `${p.slice(path.length + 1)}: ${m}`));
  return found.length ? found.join("; ") : undefined;
}
