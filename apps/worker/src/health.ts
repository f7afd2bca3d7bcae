import { type Server, createServer } from "node:http";
import { metricsAnswer } from "@iot/core";
import type { RunningWorker } from "./worker";

/**
 * The worker's HTTP side, for supervisors and Prometheus: GET /healthz (200 when Redis
 * answers and the workers run, 503 otherwise), GET /readyz (Postgres with every migration
 * applied, Redis, workers running) and GET /metrics.
 */
export function startHealthServer(worker: RunningWorker, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer(async (req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    try {
      if (req.url === "/healthz") {
        const health = await worker.health();
        return json(health.ok ? 200 : 503, health);
      }
      if (req.url === "/readyz") {
        const ready = await worker.ready();
        return json(ready.ok ? 200 : 503, ready);
      }
      if (req.url === "/metrics") {
        const answer = await metricsAnswer(req.headers.authorization);
        return res.writeHead(answer.status, answer.headers).end(answer.body);
      }
      res.writeHead(404).end();
    } catch (error) {
      json(500, { error: (error as Error).message });
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
