import { createHmac } from "node:crypto";
import { z } from "zod";
import { defineTask } from "./task";

// Outgoing webhook: JSON body (the trigger by default), a timeout per attempt, retries
// with backoff on network errors and 5xx / 429 answers (never on other 4xx), and, with a
// secret, an HMAC-SHA256 signature of timestamp + "." + body so the receiver can check
// both origin and freshness.

export const SIGNATURE_HEADER = "x-iot-signature";
export const TIMESTAMP_HEADER = "x-iot-timestamp";

export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export const httpRequestTask = defineTask({
  name: "httpRequest",
  label: "Call a webhook",
  description:
    "Sends an HTTP request with a JSON body (the trigger event by default), signed with HMAC-SHA256 when a secret is given (headers x-iot-timestamp and x-iot-signature: sha256=hex of timestamp.body). Retries network errors, 429 and 5xx answers with backoff.",
  args: z
    .object({
      url: z
        .string()
        .url()
        .max(2000)
        .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
      method: z.enum(["POST", "PUT", "PATCH", "GET", "DELETE"]).default("POST"),
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, "must be a header name"), z.string().max(2000)).default({}),
      body: z.unknown().optional().describe("JSON; templates welcome; the trigger event when not given"),
      secret: z.string().min(8).max(256).optional().describe("Signs the body (HMAC-SHA256)"),
      timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
      retries: z.number().int().min(0).max(5).default(2),
    })
    .strict(),
  retrySafe: false,
  async run(ctx, args) {
    const body = args.method === "GET" || args.method === "DELETE" ? undefined : JSON.stringify(args.body ?? ctx.trigger);
    const attempts: { status?: number; error?: string; ms: number }[] = [];
    for (let attempt = 0; attempt <= args.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(4_000, 250 * 2 ** (attempt - 1)), ctx.signal);
      const started = Date.now();
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { "user-agent": "iot-platform-rules/1", ...args.headers };
      if (body !== undefined) headers["content-type"] = "application/json";
      if (args.secret && body !== undefined) {
        headers[TIMESTAMP_HEADER] = timestamp;
        headers[SIGNATURE_HEADER] = signBody(args.secret, timestamp, body);
      }
      try {
        const res = await ctx.services.fetch(args.url, {
          method: args.method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(args.timeoutMs)]),
        });
        const text = await readSome(res, 2000);
        attempts.push({ status: res.status, ms: Date.now() - started });
        if (res.ok) return { status: res.status, attempts: attempts.length, body: text };
        if (res.status !== 429 && res.status < 500)
          throw new StepError(`${args.method} ${args.url} answered ${res.status}: ${text.slice(0, 200)}`, attempts);
      } catch (error) {
        if (error instanceof StepError) throw error;
        if (ctx.signal.aborted) throw error;
        attempts.push({ error: (error as Error).message, ms: Date.now() - started });
      }
    }
    const last = attempts[attempts.length - 1];
    throw new StepError(
      `${args.method} ${args.url} failed after ${attempts.length} attempt(s): ${last?.status ? `answered ${last.status}` : last?.error}`,
      attempts,
    );
  },
  describe: (args) => `${args.method} ${args.url}${args.secret ? " (signed)" : ""}, ${args.retries} retries at most`,
});

/** A step's failure with what was tried, kept in the run's record. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly attempts: unknown[],
  ) {
    super(message);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/** At most `max` characters of a response body, without reading the rest. */
async function readSome(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text.slice(0, max);
}
