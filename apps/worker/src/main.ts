import { disconnect } from "@iot/db";
import { workerEnv } from "./env";
import { startHealthServer } from "./health";
import { startWorker } from "./worker";

const env = workerEnv();
const worker = await startWorker({
  redisUrl: env.REDIS_URL,
  prefix: env.QUEUE_PREFIX,
  concurrency: env.WORKER_CONCURRENCY,
  sweep: { everyMs: env.SWEEP_EVERY_MS, olderThanSeconds: env.SWEEP_OLDER_THAN_SECONDS },
  shards: env.WORKER_SHARDS,
  queues: env.WORKER_QUEUES,
});
const server = await startHealthServer(worker, env.WORKER_HEALTH_PORT);
const address = server.address();
console.log(
  `worker running: queues ${Object.keys((await worker.health()).workers).join(", ")}; health on ${typeof address === "object" && address ? address.port : address}/healthz`,
);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`worker: ${signal}, finishing jobs in progress`);
  server.close();
  await worker.close();
  await disconnect();
  console.log("worker: stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
