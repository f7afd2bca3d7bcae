import { defineConfig } from "@playwright/test";
import { testEnv } from "../../scripts/test-env.mjs";

// The console in Debian's Chromium (Playwright cannot download its own browser here),
// against a production build of the web app on the test database.
const port = Number(process.env.E2E_PORT ?? 3100);
const env = { ...testEnv(), PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" };

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  // one retry in CI so a slow 2-core runner does not fail a landing on a timing; flaky tests still show
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: process.env.CI ? "list" : [["list"]],
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "npm run build -w @iot/web && npm run start -w @iot/web",
    cwd: "../..",
    url: `http://127.0.0.1:${port}/healthz`,
    timeout: 240_000,
    reuseExistingServer: false,
    env,
    stdout: "ignore",
    stderr: "pipe",
  },
});
