import { AppError } from "../errors";
import { getPath, isFieldPath, isPlainObject } from "./paths";

// `{{path.to.value}}` templates in task args. A template opens with `{{` and closes at
// the next `}}`; what is inside (spaces trimmed) must be a dotted path. A lone `}}` is
// plain text (JSON bodies end with them). Rendering leaves malformed templates as they
// are; checkTemplates finds them, and unknown paths, when the rule is saved.

export interface TTemplateToken {
  start: number;
  end: number;
  raw: string;
  /** The path inside, when well-formed. */
  path?: string;
  /** Why it is malformed. */
  error?: string;
}

export function scanTemplates(text: string): TTemplateToken[] {
  const tokens: TTemplateToken[] = [];
  let from = 0;
  for (let start = text.indexOf("{{", from); start !== -1; start = text.indexOf("{{", from)) {
    const close = text.indexOf("}}", start + 2);
    if (close === -1) {
      tokens.push({ start, end: text.length, raw: text.slice(start), error: "opens {{ without a closing }}" });
      break;
    }
    const end = close + 2;
    const raw = text.slice(start, end);
    const inner = text.slice(start + 2, close).trim();
    tokens.push(
      isFieldPath(inner)
        ? { start, end, raw, path: inner }
        : { start, end, raw, error: "must hold a dotted path: {{measure.values.temperature}}" },
    );
    from = end;
  }
  return tokens;
}

/** A value as template text: missing as "", Dates as ISO, objects as JSON. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function renderTemplate(text: string, context: unknown): string {
  let out = "";
  let at = 0;
  for (const token of scanTemplates(text)) {
    if (token.path === undefined) continue;
    out += text.slice(at, token.start) + asText(getPath(context, token.path));
    at = token.end;
  }
  return out + text.slice(at);
}

/**
 * Every string in a nested args value rendered; keys and other values untouched. A string
 * that is one template and nothing else takes the value itself, typed: in a JSON body,
 * "{{measure.values.temperature}}" stays the number 21.5 (an object stays an object).
 */
export function renderArgs<T>(args: T, context: unknown): T {
  const render = (value: unknown): unknown => {
    if (typeof value === "string") {
      const tokens = scanTemplates(value);
      const only = tokens.length === 1 ? tokens[0] : undefined;
      if (only?.path !== undefined && only.start === 0 && only.end === value.length) {
        const found = getPath(context, only.path);
        return found === undefined || found === null ? "" : found instanceof Date ? found.toISOString() : found;
      }
      return renderTemplate(value, context);
    }
    if (Array.isArray(value)) return value.map(render);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    return value;
  };
  return render(args) as T;
}

export interface TTemplateIssue {
  /** Where in args: "body.items.0" ("" for args that are a string). */
  path: string;
  template: string;
  message: string;
}

/** Malformed templates and templates naming a path `knownPaths` does not know. */
export function checkTemplates(args: unknown, knownPaths: (path: string) => boolean): TTemplateIssue[] {
  const issues: TTemplateIssue[] = [];
  const walk = (value: unknown, at: string) => {
    if (typeof value === "string") {
      for (const token of scanTemplates(value)) {
        if (token.error) issues.push({ path: at, template: token.raw, message: token.error });
        else if (!knownPaths(token.path as string))
          issues.push({ path: at, template: token.raw, message: `unknown value ${token.path}` });
      }
    } else if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, at ? `${at}.${i}` : String(i));
    else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(args, "");
  return issues;
}

/** BAD_REQUEST naming each field, e.g. `steps.0.args.message`, when templates are wrong. */
export function assertTemplates(args: unknown, knownPaths: (path: string) => boolean, at: string): void {
  const issues = checkTemplates(args, knownPaths);
  if (issues.length === 0) return;
  throw AppError.badRequest(
    `templates refer to unknown or malformed values: ${issues.map((i) => i.template).join(", ")}`,
    issues.map((i) => ({ path: i.path ? `${at}.${i.path}` : at, message: `${i.template}: ${i.message}` })),
  );
}
