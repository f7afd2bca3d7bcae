import type { AppRouter } from "@iot/api";
import { TRPCClientError, createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";

// The platform's typed client for programs: every procedure of the API typed by AppRouter
// (queries and mutations batched over HTTP, live subscriptions over server-sent events),
// and the payload webhook that devices and network servers post to.

export type { AppRouter };
export { TRPCClientError };
export type PlatformClient = TRPCClient<AppRouter>;

export interface PlatformClientOptions {
  /** The console's address, e.g. http://localhost:3000 (the API is under /api/trpc). */
  url: string;
  /** An API key (iotk_...) or a session token from auth.login: sent as a bearer token. */
  apiKey?: string;
  token?: string;
  /** The tenant the calls act in (an API key limited to one tenant acts in it without this). */
  tenantId?: string | null;
  /** A fetch of your own (proxies, tests); the global one by default. */
  fetch?: typeof fetch;
}

/**
 * The typed API. Subscriptions (measures.subscribe, alerts.subscribe) name their tenant in
 * their input, as server-sent events carry no tenant header; they authenticate with the
 * same bearer token.
 */
export function createPlatformClient(opts: PlatformClientOptions): PlatformClient {
  const bearer = opts.apiKey ?? opts.token;
  const url = `${opts.url.replace(/\/+$/, "")}/api/trpc`;
  const headers = () => ({
    ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
    ...(opts.tenantId ? { "x-tenant-id": opts.tenantId } : {}),
  });
  const doFetch = opts.fetch ?? globalThis.fetch;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          // the event stream's request carries the bearer token like every other call
          eventSourceOptions: () => ({
            fetch: (input, init) => doFetch(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url, transformer: superjson, headers, fetch: doFetch }),
      }),
    ],
  });
}

/** What the webhook answers for one payload. */
export interface PayloadResult {
  payloadId: string;
  /** VALID (accepted, processed shortly), SKIP (its decoder had nothing to store), DUPLICATE, ERROR (refused). */
  state: "VALID" | "SKIP" | "DUPLICATE" | "ERROR";
  error?: string;
}

export class WebhookError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = "WebhookError";
  }
}

/**
 * Posts payloads to the webhook (apps/ingest) through a decoder (json, tts-elsys,
 * gps-tracker...), in one batch request of at most 1,000. Answers each payload's result in
 * order; a refused request (bad key, unknown decoder, rate limit...) throws a WebhookError
 * with the status, the code and, for 429 and 503, when to try again.
 */
export async function postPayloads(opts: {
  /** The webhook's address, e.g. http://localhost:3001. */
  ingestUrl: string;
  /** An API key allowed payloads:write in its tenant. */
  apiKey: string;
  decoder: string;
  payloads: unknown[];
  /** Sent as x-request-id: the webhook's and the worker's logs name these payloads by it. */
  requestId?: string;
  fetch?: typeof fetch;
}): Promise<PayloadResult[]> {
  if (opts.payloads.length < 1 || opts.payloads.length > 1000) throw new RangeError("post 1 to 1000 payloads at a time");
  const res = await (opts.fetch ?? globalThis.fetch)(
    `${opts.ingestUrl.replace(/\/+$/, "")}/api/payloads/${encodeURIComponent(opts.decoder)}/batch`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${opts.apiKey}`,
        "content-type": "application/json",
        ...(opts.requestId ? { "x-request-id": opts.requestId } : {}),
      },
      body: JSON.stringify(opts.payloads),
    },
  );
  const body = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    const retryAfter = res.headers.get("retry-after");
    throw new WebhookError(
      res.status,
      error?.code ?? "HTTP_ERROR",
      error?.message ?? `the webhook answered ${res.status}`,
      retryAfter ? Number(retryAfter) : null,
    );
  }
  return body as PayloadResult[];
}
