// What rules and schedules keep of a result (an API call's output, a webhook's answer):
// JSON up to a size, a preview of its text beyond.

export const MAX_RESULT_CHARS = 16_384;

/** The value as JSON, cut when it is too long (a preview of its text is kept instead). */
export function truncatedJson(value: unknown, max = MAX_RESULT_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value ?? null, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "null";
  } catch {
    text = JSON.stringify(String(value));
  }
  if (text.length <= max) return text;
  return JSON.stringify({ truncated: true, chars: text.length, preview: text.slice(0, max) });
}

/** The same, as a value. */
export const truncated = (value: unknown, max = MAX_RESULT_CHARS): unknown => JSON.parse(truncatedJson(value, max));
