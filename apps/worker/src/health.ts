import { type Server, createServer } from "node:http";
import type { RunningWorker } from "./worker";

/** GET /healthz: 200 when Redis answers and the workers run, 503 otherwise. */
export function startHealthServer(worker: RunningWorker, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url !== "/healthz") {
      res.writeHead(404).end();
      return;
    }
    const health = await worker.health();
    res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(health));
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}
