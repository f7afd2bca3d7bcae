import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "../../scripts/chromium.mjs";
import { testEnv } from "../../scripts/test-env.mjs";
import { E2E_ADMIN } from "./e2e/accounts";

// The console in Debian's Chromium (Playwright cannot download its own browser here),
// against a production build of the web app on the test database.
const port = Number(process.env.E2E_PORT ?? 3100);
/** The webhook and the worker's health, beside the console: the simulator test posts through them. */
export const E2E_INGEST_PORT = port + 1;
const env = {
  ...testEnv(),
  PORT: String(port),
  NEXT_TELEMETRY_DISABLED: "1",
  INGEST_PORT: String(E2E_INGEST_PORT),
  WORKER_HEALTH_PORT: String(port + 2),
  QUEUE_PREFIX: `iot-e2e-${port}`,
};

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  // one retry in CI so a slow 2-core runner does not fail a landing on a timing; flaky tests still show
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: process.env.CI ? "list" : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  webServer: [
    {
      command: "npm run build -w @iot/web && npm run start -w @iot/web",
      cwd: "../..",
      url: `http://127.0.0.1:${port}/healthz`,
      timeout: 240_000,
      reuseExistingServer: false,
      env,
      stdout: "ignore",
      stderr: "pipe",
    },
    // the worker's entry first makes the test database ready (migrations, the demo seed with
    // the e2e admin): web servers start before any global setup would
    ...[
      { app: "worker", health: port + 2, before: "npm run db:setup && npm run db:seed && " },
      { app: "ingest", health: E2E_INGEST_PORT, before: "" },
    ].map(({ app, health, before }) => ({
      command: `${before}node --import tsx apps/${app}/src/main.ts`,
      cwd: "../..",
      url: `http://127.0.0.1:${health}/healthz`,
      timeout: 180_000,
      reuseExistingServer: false,
      env: { ...env, ADMIN_EMAIL: E2E_ADMIN.email, ADMIN_PASSWORD: E2E_ADMIN.password },
      stdout: "ignore" as const,
      stderr: "pipe" as const,
    })),
  ],
});
