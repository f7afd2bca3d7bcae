import { PAYLOAD_QUEUES, createLogger, setService } from "@iot/core";
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

setService("ingest");
const log = createLogger("ingest");
const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
// Redis down: the webhook goes on storing payloads (the sweeper queues them once it is
// back); said once, not for every reconnection attempt of every queue
let redisDown = false;
redis.on("error", (error: Error) => {
  if (redisDown) return;
  redisDown = true;
  log.error(`Redis unavailable (${error.message}); payloads are stored and will be queued once it is back`);
});
redis.on("ready", () => {
  if (redisDown) log.info("Redis is back");
  redisDown = false;
});
const queues = new Map(PAYLOAD_QUEUES.map((name) => [name, new Queue(name, { connection: redis, prefix: env.QUEUE_PREFIX })]));
for (const queue of queues.values())
  queue.on("error", (error: Error) => {
    if (!redisDown) log.error(`queue ${queue.name}: ${error.message}`);
  });
const queueOf = (name: string) => {
  const queue = queues.get(name);
  if (!queue) throw new Error(`no payload queue ${name}`);
  return queue;
};
const app = await buildServer({ redis, queueOf, ratePerMinute: env.INGEST_RATE_PER_MINUTE, logger: log });
await app.listen({ port: env.INGEST_PORT, host: "0.0.0.0" });
log.info(`listening on ${env.INGEST_PORT}: POST /api/payloads/<decoder>, GET /metrics, /healthz, /readyz`);

async function shutdown(signal: string) {
  log.info(`${signal}, closing`);
  await app.close();
  await Promise.all([...queues.values()].map((q) => q.close()));
  redis.disconnect();
  await disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
