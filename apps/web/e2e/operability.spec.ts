import { expect, test } from "@playwright/test";
import { E2E_INGEST_PORT } from "../playwright.config";
import { adminApi, unique } from "./fixtures";
import { metricSum } from "../../../packages/core/src/observability/scrape";

// What the people who run the platform look at, on the three processes as started for
// these tests: readiness, and metrics that move when the platform works.

test("web, ingest and worker are ready and their metrics move as payloads flow", async ({ request, baseURL }) => {
  const web = baseURL as string;
  const ingest = `http://127.0.0.1:${E2E_INGEST_PORT}`;
  const worker = `http://127.0.0.1:${E2E_INGEST_PORT + 1}`;
  for (const base of [web, ingest, worker]) {
    const ready = await request.get(`${base}/readyz`);
    expect(ready.status(), base).toBe(200);
    expect(await ready.json(), base).toMatchObject({ ok: true, postgres: "ok", migrations: "ok", redis: "ok" });
  }
  const scrape = async (base: string) => {
    const res = await request.get(`${base}/metrics`);
    expect(res.status()).toBe(200);
    return res.text();
  };
  const before = await Promise.all([scrape(web), scrape(ingest), scrape(worker)]);

  const { admin, actIn } = await adminApi(web);
  const tenant = await admin.tenants.create.mutate({ name: `Metrics ${unique("m")}`, group: "commons" });
  actIn(tenant.id);
  const key = await admin.auth.createApiKey.mutate({ name: "ingest", tenantId: tenant.id });
  for (let i = 0; i < 5; i++) {
    const res = await request.post(`${ingest}/api/payloads/json`, {
      headers: { authorization: `Bearer ${key.token}` },
      data: { reference: `m-${i}`, measures: [{ name: "temperature", type: "temperature", values: { temperature: 20 + i } }] },
    });
    expect(res.status()).toBe(202);
  }
  // the pipeline has stored them once each device has its measure
  await expect
    .poll(async () => (await admin.devices.search.query({ filter: { model: "GenericJson" }, limit: 10 })).items.length)
    .toBe(5);

  const after = await Promise.all([scrape(web), scrape(ingest), scrape(worker)]);
  const delta = (i: number, name: string, labels: Record<string, string>) =>
    metricSum(after[i] as string, name, labels) - metricSum(before[i] as string, name, labels);
  expect(delta(0, "iot_trpc_calls_total", { path: "tenants.create", code: "OK", service: "web" })).toBe(1);
  expect(delta(1, "iot_payloads_total", { outcome: "accepted", service: "ingest" })).toBe(5);
  expect(delta(1, "iot_tenant_payloads_total", { tenant: tenant.id })).toBe(5);
  expect(delta(2, "iot_jobs_total", { job: "process-payloads", result: "completed", service: "worker" })).toBeGreaterThanOrEqual(
    1,
  );
  expect(delta(2, "iot_tenant_measures_total", { tenant: tenant.id })).toBe(5);
  expect(after[2]).toContain("iot_queue_oldest_waiting_seconds{");
});
