import { PAYLOAD_QUEUES } from "@iot/core";
import { disconnect } from "@iot/db";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import { buildServer } from "./server";

const env = z
  .object({
    INGEST_PORT: z.coerce.number().int().default(3001),
    REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z.string().default("iot"),
    INGEST_RATE_PER_MINUTE: z.coerce.number().int().positive().default(120_000),
  })
  .parse(process.env);

const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
const queues = new Map(PAYLOAD_QUEUES.map((name) => [name, new Queue(name, { connection: redis, prefix: env.QUEUE_PREFIX })]));
const queueOf = (name: string) => {
  const queue = queues.get(name);
  if (!queue) throw new Error(`no payload queue ${name}`);
  return queue;
};
const app = await buildServer({ redis, queueOf, ratePerMinute: env.INGEST_RATE_PER_MINUTE });
await app.listen({ port: env.INGEST_PORT, host: "0.0.0.0" });
console.log(`ingest listening on ${env.INGEST_PORT}: POST /api/payloads/<decoder>`);

async function shutdown(signal: string) {
  console.log(`ingest: ${signal}, closing`);
  await app.close();
  await Promise.all([...queues.values()].map((q) => q.close()));
  redis.disconnect();
  await disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
