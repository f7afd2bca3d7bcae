import rateLimit from "@fastify/rate-limit";
import { AppError, type TBulkQueue, contentId, decoderForModel, getDecoder, payloadShard } from "@iot/core";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Redis } from "ioredis";
import { type TIngestKey, ingestKey } from "./keys";
import { Outbox, type TOutboxRow } from "./outbox";

// The payload webhook, in the order of the issue: key (401), size (413), per-key rate
// (429 + Retry-After), JSON (400), decoder (404), validate, store (the outbox), enqueue,
// answer 202 (200 for SKIP and DUPLICATE, 4xx for what the decoder refuses).

export const MAX_BODY_BYTES = 1024 * 1024;

declare module "fastify" {
  interface FastifyRequest {
    ingestKey?: TIngestKey;
  }
}

const STATUS: Record<string, number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

function refuse(reply: FastifyReply, error: unknown) {
  if (error instanceof AppError)
    return reply.code(STATUS[error.code] ?? 400).send({ error: { code: error.code, message: error.message } });
  throw error;
}

export async function buildServer(opts: {
  redis: Redis;
  /** The payload shard queues by name. */
  queueOf: (name: string) => TBulkQueue;
  ratePerMinute: number;
}): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: MAX_BODY_BYTES, logger: false });
  const outbox = new Outbox(opts.queueOf);

  app.addHook("onRequest", async (req, reply) => {
    if (!req.url.startsWith("/api/payloads")) return;
    try {
      req.ingestKey = await ingestKey(req.headers.authorization);
    } catch (error) {
      return refuse(reply, error);
    }
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
    allowList: (req) => !req.url.startsWith("/api/payloads"),
  });

  /** Validates each body with the decoder, stores them (grouped with concurrent requests), queues the valid ones. */
  async function accept(key: TIngestKey, decoderAction: string, bodies: unknown[]) {
    const decoder = getDecoder(decoderAction);
    if (!decoder) throw AppError.notFound("decoder", decoderAction);
    const base = { tenantId: key.tenantId, apiKeyId: key.keyId, decoder: decoder.action, deviceModel: decoder.deviceModel };
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

  app.post<{ Params: { decoder: string } }>("/api/payloads/:decoder", async (req, reply) => {
    try {
      const [result] = await accept(req.ingestKey as TIngestKey, req.params.decoder, [req.body]);
      return answer(reply, result);
    } catch (error) {
      return refuse(reply, error);
    }
  });

  app.post<{ Params: { decoder: string } }>("/api/payloads/:decoder/batch", async (req, reply) => {
    try {
      if (!Array.isArray(req.body) || req.body.length === 0 || req.body.length > 1000) {
        throw AppError.badRequest("a batch is a JSON array of 1 to 1000 payloads");
      }
      return reply.code(200).send(await accept(req.ingestKey as TIngestKey, req.params.decoder, req.body));
    } catch (error) {
      return refuse(reply, error);
    }
  });

  app.post("/api/payloads", async (req, reply) => {
    try {
      const model = (req.body as { deviceModel?: unknown } | null)?.deviceModel;
      if (typeof model !== "string") throw AppError.badRequest("deviceModel is required to route this payload");
      const decoder = decoderForModel(model);
      if (!decoder) throw AppError.notFound("decoder for device model", model);
      const [result] = await accept(req.ingestKey as TIngestKey, decoder.action, [req.body]);
      return answer(reply, result);
    } catch (error) {
      return refuse(reply, error);
    }
  });

  app.get("/healthz", async () => ({ ok: true }));
  return app;
}
