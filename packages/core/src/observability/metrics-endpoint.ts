import { createHash, timingSafeEqual } from "node:crypto";
import { metricsText } from "./metrics";

// GET /metrics as ingest, worker and web answer it. The metrics carry tenant ids and
// traffic figures, so where METRICS_TOKEN is set a scraper must send it as a bearer token
// (Prometheus: `authorization: { credentials: <token> }`); unset, they are open, for a
// scraper on a private network.

export interface MetricsAnswer {
  status: 200 | 401;
  headers: Record<string, string>;
  body: string;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * True when `authorization` is `Bearer <token>`, or no token is set. The two are compared as
 * SHA-256 digests in constant time, so neither the time taken nor an early length check
 * tells a caller how close its guess was.
 */
export function metricsAllowed(authorization: string | undefined | null, token = process.env.METRICS_TOKEN): boolean {
  const wanted = token?.trim();
  if (!wanted) return true;
  const sent = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? "";
  return timingSafeEqual(digest(sent), digest(wanted));
}

/** The metrics in Prometheus' text format, or a 401 naming what is missing. */
export async function metricsAnswer(
  authorization: string | undefined | null,
  token = process.env.METRICS_TOKEN,
): Promise<MetricsAnswer> {
  if (!metricsAllowed(authorization, token))
    return {
      status: 401,
      headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' },
      body: "metrics need the header Authorization: Bearer <METRICS_TOKEN>\n",
    };
  const { contentType, body } = await metricsText();
  return { status: 200, headers: { "content-type": contentType }, body };
}
