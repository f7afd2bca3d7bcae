import rateLimit from "@fastify/rate-limit";
import {
  AppError,
  type Logger,
  type TBulkQueue,
  contentId,
  createLogger,
  decoderForModel,
  getDecoder,
  payloadShard,
  requestIdFrom,
} from "@iot/core";
import { isDatabaseUnavailable } from "@iot/db";
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from "fastify";
import type { Redis } from "ioredis";
import { type TIngestKey, ingestKey } from "./keys";
import { countStored, observe } from "./observe";
import { Outbox, type TOutboxRow } from "./outbox";

// The payload webhook, in the order of the issue: key (401), size (413), per-key rate
// (429 + Retry-After), JSON (400), decoder (404), validate, store (the outbox), answer 202
// (200 for SKIP and DUPLICATE, 4xx for what the decoder refuses); queueing follows at
// once, gathered with other requests' payloads (outbox.ts).

// Bodies are application/json only (415 otherwise), UTF-8, nested at most MAX_JSON_DEPTH
// deep and storable as jsonb as sent; every refusal is { error: { code, message } }.

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 32;

declare module "fastify" {
  interface FastifyRequest {
    ingestKey?: TIngestKey;
  }
}

const STATUS: Record<string, number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };
/** The code of Fastify's own 4xx (and the rate limit's), by status. */
const CODE: Record<number, string> = {
  400: "BAD_REQUEST",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
};

/** Seconds a client is asked to wait when Postgres is unreachable. */
export const RETRY_AFTER_SECONDS = 5;
/** The last time an unreachable database was logged: once per RETRY_AFTER_SECONDS, not per request. */
let unavailableLoggedAt = 0;

/**
 * Every error as { error: { code, message } }: ours, Fastify's 4xx, 503 while Postgres cannot
 * be reached (the payload is not known to be stored: the device sends it again after
 * Retry-After; one that carries its time is then a duplicate if it was), and a 500 without
 * details (logged).
 */
function sendError(reply: FastifyReply, error: unknown) {
  if (isDatabaseUnavailable(error)) {
    if (Date.now() - unavailableLoggedAt > RETRY_AFTER_SECONDS * 1000) {
      unavailableLoggedAt = Date.now();
      reply.request.log.error(`database unavailable, answering 503: ${(error as Error).message}`);
    }
    return reply
      .code(503)
      .header("retry-after", String(RETRY_AFTER_SECONDS))
      .send({ error: { code: "UNAVAILABLE", message: "the payload store is unavailable: send again later" } });
  }
  if (error instanceof AppError)
    return reply.code(STATUS[error.code] ?? 400).send({ error: { code: error.code, message: error.message } });
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return reply.code(status).send({ error: { code: CODE[status] ?? "BAD_REQUEST", message: (error as Error).message } });
  reply.request.log.error({ err: error, method: reply.request.method, url: reply.request.url }, "internal error");
  return reply.code(500).send({ error: { code: "INTERNAL_SERVER_ERROR", message: "internal error" } });
}

const isPayload = (body: unknown) => typeof body === "object" && body !== null && !Array.isArray(body);

/** Whether JSON text nests deeper than max, from its brackets outside strings: before parsing it. */
function nestedDeeper(json: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Why Postgres jsonb cannot store a parsed body as sent, if it cannot (1e400 parses as Infinity). */
function unstorable(value: unknown): AppError | null {
  if (typeof value === "string")
    return value.includes("\u0000") || /\p{Cs}/u.test(value)
      ? AppError.badRequest("JSON strings cannot hold NUL characters or unpaired UTF-16 surrogates")
      : null;
  if (typeof value === "number") return Number.isFinite(value) ? null : AppError.badRequest("a JSON number is out of range");
  if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) {
      const why = unstorable(k) ?? unstorable(v);
      if (why) return why;
    }
  return null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function buildServer(opts: {
  redis: Redis;
  /** The payload shard queues by name. */
  queueOf: (name: string) => TBulkQueue;
  ratePerMinute: number;
  logger?: Logger;
}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: MAX_BODY_BYTES,
    loggerInstance: opts.logger ?? createLogger("ingest"),
    // one line per payload request (observe.ts) rather than Fastify's two per request
    logController: new LogController({ disableRequestLogging: true }),
    // the caller's x-request-id when sane, else a new one: answered, logged, stored with the payloads
    requestIdHeader: false,
    genReqId: (req) => requestIdFrom(req.headers["x-request-id"]),
    frameworkErrors: (error, _req, reply) => sendError(reply, error),
  }) as unknown as FastifyInstance;
  observe(app, { redis: opts.redis });
  const outbox = new Outbox(opts.queueOf, undefined, app.log);
  // closing: what was stored is queued before the process goes
  app.addHook("onClose", () => outbox.close());

  app.setErrorHandler((error, _req, reply) => sendError(reply, error));
  app.setNotFoundHandler((req, reply) => sendError(reply, AppError.notFound("route", `${req.method} ${req.url}`)));

  // JSON only (no text/plain): strict UTF-8, depth checked before parsing, then Fastify's
  // parser (400 on bad JSON or __proto__), then what jsonb could not store
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, raw: Buffer, done) => {
    let text: string;
    try {
      text = utf8.decode(raw);
    } catch {
      return done(AppError.badRequest("the body is not valid UTF-8"));
    }
    if (nestedDeeper(raw, MAX_JSON_DEPTH)) return done(AppError.badRequest(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
    parseJson(req, text, (error, body) => done(error ?? unstorable(body), body));
  });

  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/payloads")) return;
    req.ingestKey = await ingestKey(req.headers.authorization);
    if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
      return reply.code(413).send({ error: { code: "PAYLOAD_TOO_LARGE", message: "bodies are limited to 1 MiB" } });
    }
  });
  await app.register(rateLimit, {
    max: opts.ratePerMinute,
    timeWindow: 60_000,
    redis: opts.redis,
    nameSpace: "iot-ingest-rl:",
    keyGenerator: (req) => req.ingestKey?.keyId ?? req.ip,
    // Redis down: payloads are still stored (the sweeper queues them), unlimited meanwhile
    // rather than refused; not ready, it is not even asked (each try would wait for a reconnect)
    allowList: (req) => !req.url.startsWith("/api/payloads") || opts.redis.status !== "ready",
    skipOnError: true,
  });

  /** Validates each body with the decoder, stores them (grouped with concurrent requests), queues the valid ones. */
  async function accept(key: TIngestKey, decoderAction: string, bodies: unknown[], requestId: string) {
    const decoder = getDecoder(decoderAction);
    if (!decoder) throw AppError.notFound("decoder", decoderAction);
    // not a JSON object (null, a number, an array...): not a payload, refused and not stored
    if (!bodies.every(isPayload)) throw AppError.badRequest("a payload is a JSON object");
    const base = {
      tenantId: key.tenantId,
      apiKeyId: key.keyId,
      decoder: decoder.action,
      deviceModel: decoder.deviceModel,
      requestId,
    };
    const rows: TOutboxRow[] = bodies.map((body) => {
      try {
        const valid = decoder.validate(body);
        // a payload carrying its time has an id from its content: posted again, it is a duplicate
        const id = decoder.carriesTime(body) ? contentId(key.tenantId, decoder.action, body) : undefined;
        if (!valid) return { ...base, id, state: "SKIP", reason: null, body, shard: 0 };
        const shard = payloadShard(decoder.deviceModel, decoder.routingKey(body));
        return { ...base, id, state: "RECEIVED", reason: null, body, shard };
      } catch (error) {
        return { ...base, state: "ERROR", reason: error instanceof Error ? error.message : String(error), body, shard: 0 };
      }
    });
    const stored = await outbox.write(rows);
    return stored.map(({ id, duplicate }, i) => ({
      payloadId: id,
      state: duplicate ? "DUPLICATE" : rows[i]?.state === "RECEIVED" ? "VALID" : (rows[i]?.state as string),
      ...(rows[i]?.reason ? { error: rows[i]?.reason } : {}),
    }));
  }

  /** One payload's answer: 202 accepted, 200 SKIP or DUPLICATE (nothing to do), 400 refused. */
  function answer(reply: FastifyReply, result: Awaited<ReturnType<typeof accept>>[number] | undefined) {
    if (result?.state === "ERROR")
      return reply.code(400).send({ ...result, error: { code: "BAD_REQUEST", message: result.error } });
    return reply.code(result?.state === "VALID" ? 202 : 200).send(result);
  }

  // what these throw is answered by sendError (AppError: its 4xx)
  app.post<{ Params: { decoder: string } }>("/api/payloads/:decoder", async (req, reply) => {
    const results = await accept(req.ingestKey as TIngestKey, req.params.decoder, [req.body], req.id);
    countStored(req, (req.ingestKey as TIngestKey).tenantId, results);
    return answer(reply, results[0]);
  });

  app.post<{ Params: { decoder: string } }>("/api/payloads/:decoder/batch", async (req, reply) => {
    if (!Array.isArray(req.body) || req.body.length === 0 || req.body.length > 1000) {
      throw AppError.badRequest("a batch is a JSON array of 1 to 1000 payloads");
    }
    const results = await accept(req.ingestKey as TIngestKey, req.params.decoder, req.body, req.id);
    countStored(req, (req.ingestKey as TIngestKey).tenantId, results);
    return reply.code(200).send(results);
  });

  app.post("/api/payloads", async (req, reply) => {
    const model = (req.body as { deviceModel?: unknown } | null)?.deviceModel;
    if (typeof model !== "string") throw AppError.badRequest("deviceModel is required to route this payload");
    const decoder = decoderForModel(model);
    if (!decoder) throw AppError.notFound("decoder for device model", model);
    const results = await accept(req.ingestKey as TIngestKey, decoder.action, [req.body], req.id);
    countStored(req, (req.ingestKey as TIngestKey).tenantId, results);
    return answer(reply, results[0]);
  });

  app.get("/healthz", async () => ({ ok: true }));
  return app;
}
