import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { PAYLOAD_QUEUES, createTenant, metricSum } from "@iot/core";
import { withPlatform } from "@iot/db";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";
import { keyFor } from "./test-keys";

// What the webhook tells operators: its metrics move as payloads come (scraped before and
// after), its request ids follow the payloads into the store, and it says it is not ready
// when its Redis is gone (a private Redis, stopped for the test).

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startIngest(redis: Redis) {
  const prefix = `iot-test-${randomUUID().slice(0, 8)}`;
  const queues = new Map(PAYLOAD_QUEUES.map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  // the private Redis is stopped on purpose: its queues' reconnection errors are expected
  for (const queue of queues.values()) queue.on("error", () => {});
  const app = await buildServer({ redis, queueOf: (name) => queues.get(name) as Queue, ratePerMinute: 1000 });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const close = async () => {
    await app.close();
    await Promise.all([...queues.values()].map((q) => q.close()));
  };
  return { base, close };
}

describe("webhook observability", () => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let ingest: Awaited<ReturnType<typeof startIngest>>;
  let key = "";
  let tenantId = "";

  beforeAll(async () => {
    ingest = await startIngest(redis);
    tenantId = (await withPlatform((db) => createTenant(db, { name: `Observed ${randomUUID().slice(0, 6)}`, group: "commons" })))
      .id;
    key = await keyFor({ tenantId });
  });
  afterAll(async () => {
    await ingest.close();
    redis.disconnect();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${ingest.base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const scrape = async () => {
    const res = await fetch(`${ingest.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    return res.text();
  };

  it("counts payloads by outcome and requests by route, and stores each payload with its request id", async () => {
    const before = await scrape();
    const reference = `obs-${randomUUID().slice(0, 8)}`;
    const accepted = await post(
      "/api/payloads/json",
      { reference, measures: [{ name: "temperature", type: "temperature", values: { temperature: 21 } }] },
      { "x-request-id": "req-observe-1" },
    );
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get("x-request-id")).toBe("req-observe-1");
    const { payloadId } = (await accepted.json()) as { payloadId: string };
    const stored = await withPlatform(
      (db) => db.$queryRaw<{ request_id: string | null }[]>`SELECT request_id FROM payloads WHERE id = ${payloadId}::uuid`,
    );
    expect(stored).toEqual([{ request_id: "req-observe-1" }]);

    // an id that is not a sane one is replaced by a new one, answered too
    const unknown = await post("/api/payloads/no-such-decoder", { a: 1 }, { "x-request-id": "bad id with spaces" });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unauthorized = await fetch(`${ingest.base}/api/payloads/json`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unauthorized.status).toBe(401);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta("iot_payloads_total", { outcome: "accepted" })).toBe(1);
    expect(delta("iot_payloads_total", { outcome: "refused", reason: "unknown_decoder" })).toBe(1);
    expect(delta("iot_payloads_total", { outcome: "refused", reason: "unauthorized" })).toBe(1);
    expect(delta("iot_tenant_payloads_total", { tenant: tenantId })).toBe(1);
    expect(delta("iot_http_requests_total", { route: "/api/payloads/:decoder", method: "POST", status: "202" })).toBe(1);
    expect(delta("iot_http_request_duration_seconds_count", { route: "/api/payloads/:decoder", method: "POST" })).toBe(3);
  });

  it("asks for the bearer token on /metrics when METRICS_TOKEN is set", async () => {
    const before = process.env.METRICS_TOKEN;
    process.env.METRICS_TOKEN = "observe-scrape-token";
    try {
      const refused = await fetch(`${ingest.base}/metrics`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await refused.text()).not.toContain("iot_payloads_total");
      const allowed = await fetch(`${ingest.base}/metrics`, { headers: { authorization: "Bearer observe-scrape-token" } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain("iot_payloads_total");
    } finally {
      if (before === undefined) delete process.env.METRICS_TOKEN;
      else process.env.METRICS_TOKEN = before;
    }
  });

  it("is ready with Postgres, its migrations and Redis, and not ready once its Redis stops", async () => {
    const ready = await fetch(`${ingest.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, postgres: "ok", migrations: "ok", redis: "ok" });
    expect((await fetch(`${ingest.base}/healthz`)).status).toBe(200);

    const port = await freePort();
    const server = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const own = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    own.on("error", () => {}); // it is stopped on purpose
    const privateIngest = await startIngest(own);
    try {
      await expect.poll(async () => (await fetch(`${privateIngest.base}/readyz`)).status, { timeout: 10_000 }).toBe(200);
      server.kill("SIGKILL");
      await expect.poll(async () => (await fetch(`${privateIngest.base}/readyz`)).status, { timeout: 10_000 }).toBe(503);
      const report = (await (await fetch(`${privateIngest.base}/readyz`)).json()) as {
        ok: boolean;
        redis: string;
        postgres: string;
      };
      expect(report.ok).toBe(false);
      expect(report.postgres).toBe("ok");
      expect(report.redis).not.toBe("ok");
      // alive all the same: a supervisor has no reason to restart it
      expect((await fetch(`${privateIngest.base}/healthz`)).status).toBe(200);
    } finally {
      server.kill("SIGKILL");
      await privateIngest.close();
      own.disconnect();
    }
  });
});
