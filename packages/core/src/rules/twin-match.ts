import type { TTwinFilter } from "../twins/filter";

// The twin search filter language (twins/filter.ts) evaluated in memory, with the
// semantics of compileTwinFilter's SQL:
// - SQL's NULLs become false: a comparison that SQL leaves unknown (missing field, a
//   number compared with text) does not match, and NOT inverts exactly (compileTwinFilter
//   COALESCEs leaves under a NOT to the same effect);
// - metadata eq / in are jsonb containment: same JSON type and value (1 never equals "1");
//   eq null means "no such key", ne null "has the key", ne on a missing key matches;
// - gt..lte compare numbers with numbers and text with text (code point order, as the
//   database's C collation), anything else does not match;
// - contains, reference contains and text are case-insensitive substring tests (ILIKE),
//   over the value's text (`->>`) or the metadata's jsonb text; prefix is case-sensitive.

export interface TMatchableTwin {
  model?: unknown;
  reference?: unknown;
  metadata?: unknown;
  /** Only lastSeen filters read it; absent means never seen. */
  lastSeenAt?: Date | string | null;
}

type TLeaf = Exclude<TTwinFilter, { and: unknown } | { or: unknown } | { not: unknown }>;

export function matchesTwinFilter(filter: TTwinFilter, twin: TMatchableTwin, now = new Date()): boolean {
  if ("and" in filter) return filter.and.every((f) => matchesTwinFilter(f, twin, now));
  if ("or" in filter) return filter.or.some((f) => matchesTwinFilter(f, twin, now));
  if ("not" in filter) return !matchesTwinFilter(filter.not, twin, now);
  return matchesLeaf(filter, twin, now);
}

function matchesLeaf(filter: TLeaf, twin: TMatchableTwin, now: Date): boolean {
  const model = typeof twin.model === "string" ? twin.model : null;
  const reference = typeof twin.reference === "string" ? twin.reference : null;
  const metadata = isRecord(twin.metadata) ? twin.metadata : {};
  if ("model" in filter) {
    const models = Array.isArray(filter.model) ? filter.model : [filter.model];
    return model !== null && models.includes(model);
  }
  if ("reference" in filter) {
    if (reference === null) return false;
    const r = filter.reference;
    if (r.eq !== undefined) return reference === r.eq;
    if (r.prefix !== undefined) return reference.startsWith(r.prefix);
    return ilike(reference, r.contains ?? "");
  }
  if ("text" in filter) {
    return [reference, model, jsonbText(metadata)].some((s) => s !== null && ilike(s, filter.text));
  }
  if ("lastSeen" in filter) {
    const l = filter.lastSeen;
    const seen = twin.lastSeenAt == null ? null : new Date(twin.lastSeenAt).getTime();
    if (l.never && seen !== null) return false;
    if (seen === null) return !(l.after || l.before || l.withinSeconds);
    if (l.after && !(seen >= l.after.getTime())) return false;
    if (l.before && !(seen < l.before.getTime())) return false;
    if (l.withinSeconds && !(seen >= now.getTime() - l.withinSeconds * 1000)) return false;
    return true;
  }
  const m = filter.metadata;
  const has = Object.hasOwn(metadata, m.field);
  const stored = metadata[m.field];
  switch (m.op) {
    case "eq":
      return m.value === null ? !has : has && sameScalar(stored, m.value);
    case "ne":
      return m.value === null ? has : !(has && sameScalar(stored, m.value));
    case "in":
      return has && m.value.some((v) => sameScalar(stored, v));
    case "exists":
      // the schema defaults value to true; an unparsed filter may lack it
      return m.value === false ? !has : has;
    case "contains": {
      const text = valueText(stored);
      return text !== null && ilike(text, m.value);
    }
    default: {
      if (typeof m.value === "number" ? typeof stored !== "number" : typeof stored !== "string") return false;
      const c = typeof m.value === "number" ? (stored as number) - m.value : compareCodePoints(stored as string, m.value);
      return { gt: c > 0, gte: c >= 0, lt: c < 0, lte: c <= 0 }[m.op];
    }
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const sameScalar = (stored: unknown, value: unknown) => typeof stored === typeof value && stored === value;

const ilike = (text: string, needle: string) => text.toLowerCase().includes(needle.toLowerCase());

/** Text comparison in code point order (the database's C collation), not UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** What `metadata ->> field` gives: strings bare, JSON null as SQL NULL, the rest as jsonb text. */
function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : jsonbText(value);
}

/**
 * A value as Postgres prints jsonb: `{"a": 1, "bb": [1, 2]}`, keys shorter first then
 * bytewise, numbers in plain decimal notation.
 */
export function jsonbText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isFinite(value) ? plainDecimal(value) : "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => {
    const ab = Buffer.from(a);
    const bb = Buffer.from(b);
    return ab.length - bb.length || Buffer.compare(ab, bb);
  });
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonbText(v)}`).join(", ")}}`;
}

/** 1e21 → "1000000000000000000000", 1e-7 → "0.0000001": how numeric prints them. */
function plainDecimal(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, int, frac = "", expText] = m;
  const exp = Number(expText);
  const digits = `${int}${frac}`;
  return exp >= 0 ? `${sign}${digits.padEnd(exp + 1, "0")}` : `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}
