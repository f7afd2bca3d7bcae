import { timingSafeEqual } from "node:crypto";
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

/** True when `authorization` is `Bearer <token>` (compared in constant time), or no token is set. */
export function metricsAllowed(authorization: string | undefined | null, token = process.env.METRICS_TOKEN): boolean {
  if (!token) return true;
  const sent = Buffer.from(authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? "");
  const wanted = Buffer.from(token);
  return sent.length === wanted.length && timingSafeEqual(sent, wanted);
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
