import { httpDuration, httpRequests, metricsAnswer, payloadsReceived, readiness, tenantLabel, tenantPayloads } from "@iot/core";
import type { FastifyInstance } from "fastify";

// What the webhook tells about itself: every answer counted and timed by route pattern,
// payloads counted by outcome (and the refused by why), one JSON log line per payload
// request with its request id (also answered in x-request-id and stored with its payloads),
// GET /metrics for Prometheus and GET /readyz (Postgres, migrations, Redis).

declare module "fastify" {
  interface FastifyRequest {
    /** The payloads of this request already counted by outcome (those it stored). */
    payloadsCounted?: number;
  }
}

/** Why a payload request was refused as a whole, by its status (a fixed set of label values). */
const REFUSAL: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "unknown_decoder",
  413: "too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "store_unavailable",
};

/** The outcome of each payload a request stored, counted (and its tenant's count). */
export function countStored(req: { payloadsCounted?: number }, tenantId: string | null, results: { state: string }[]): void {
  for (const r of results) {
    const outcome =
      r.state === "VALID" ? "accepted" : r.state === "SKIP" ? "skipped" : r.state === "DUPLICATE" ? "duplicate" : "refused";
    payloadsReceived.inc({ outcome, reason: outcome === "refused" ? "decoder_refused" : "" });
  }
  tenantPayloads.inc({ tenant: tenantLabel(tenantId) }, results.length);
  req.payloadsCounted = results.length;
}

export function observe(app: FastifyInstance, opts: { redis: { ping(): Promise<string> } }) {
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    const status = reply.statusCode;
    httpRequests.inc({ route, method: req.method, status: String(status) });
    httpDuration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
    if (!req.url.startsWith("/api/payloads")) return;
    if (status >= 400 && !req.payloadsCounted)
      payloadsReceived.inc({ outcome: "refused", reason: REFUSAL[status] ?? (status >= 500 ? "server_error" : "bad_request") });
    req.log.info(
      {
        route,
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        tenant: req.ingestKey?.tenantId ?? null,
        payloads: req.payloadsCounted ?? 0,
      },
      "payload request",
    );
  });
  app.get("/metrics", async (req, reply) => {
    const answer = await metricsAnswer(req.headers.authorization);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  app.get("/readyz", async (_req, reply) => {
    const report = await readiness({ redis: opts.redis });
    return reply.code(report.ok ? 200 : 503).send(report);
  });
}
