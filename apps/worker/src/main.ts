import { createLogger, setService } from "@iot/core";
import { disconnect } from "@iot/db";
import { workerEnv } from "./env";
import { startHealthServer } from "./health";
import { startWorker } from "./worker";

const env = workerEnv();
setService("worker");
const log = createLogger("worker");
const worker = await startWorker({
  logger: log,
  redisUrl: env.REDIS_URL,
  prefix: env.QUEUE_PREFIX,
  concurrency: env.WORKER_CONCURRENCY,
  sweep: { everyMs: env.SWEEP_EVERY_MS, olderThanSeconds: env.SWEEP_OLDER_THAN_SECONDS },
  shards: env.WORKER_SHARDS,
  queues: env.WORKER_QUEUES,
});
const server = await startHealthServer(worker, env.WORKER_HEALTH_PORT, env.WORKER_HEALTH_HOST);
const address = server.address();
log.info(
  `running: queues ${Object.keys((await worker.health()).workers).join(", ")}; /healthz, /readyz and /metrics on port ${typeof address === "object" && address ? address.port : address}`,
);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info(`${signal}, finishing jobs in progress`);
  server.close();
  await worker.close();
  await disconnect();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
