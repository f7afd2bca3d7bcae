import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { testEnv } from "../../../scripts/test-env.mjs";
import { E2E_INGEST_PORT } from "../playwright.config";
import { keepScreenshot, signIn } from "./fixtures";

// The System page while the simulator floods the webhook: the payloads waiting for the
// pipeline rise, then drain to none once it stops; the ingest rate and tenants' usage show.
const root = fileURLToPath(new URL("../../..", import.meta.url));

test("the System page shows the backlog rising and draining while the simulator runs", async ({ page }, testInfo) => {
  test.setTimeout(240_000);
  await signIn(page);
  await page.getByRole("link", { name: "System" }).click();
  await expect(page.getByRole("heading", { name: "System" })).toBeVisible();
  const waiting = page.getByTestId("payloads-waiting");
  await expect(waiting).toHaveAttribute("data-value", /^\d+$/);
  // payloads other tests left unprocessed (stored on queues of their own) count in the backlog too
  const baseline = Number(await waiting.getAttribute("data-value"));
  await expect(page.getByRole("table", { name: "Queues" }).getByTestId("queue-row").first()).toBeVisible();

  const env = { ...process.env, ...testEnv() };
  const { key } = JSON.parse(readFileSync(env.DEMO_KEY_FILE, "utf8")) as { key: string };
  // batches of 100 at 1,500 payloads a second for 6 s: faster than this machine's pipeline drains them
  const simulator = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/simulate.ts",
      ...["--devices", "300", "--rate", "1500", "--batch", "100", "--duration", "6", "--quiet"],
      ...["--key", key, "--url", `http://127.0.0.1:${E2E_INGEST_PORT}`],
    ],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  simulator.stdout.on("data", (d) => (output += d));
  simulator.stderr.on("data", (d) => (output += d));
  const done = new Promise<number | null>((resolve) => simulator.on("exit", resolve));

  // the page refreshes every 2 s: a backlog shows while the payloads arrive
  let highest = 0;
  await expect
    .poll(
      async () => {
        highest = Math.max(highest, Number(await waiting.getAttribute("data-value")) - baseline);
        return highest;
      },
      { timeout: 30_000, intervals: [250] },
    )
    .toBeGreaterThan(0);
  await keepScreenshot(page, testInfo, "system under load");
  expect(await done, output).toBe(0);
  expect(output).toMatch(/refused none/);
  // and drains back to what it was once the simulator stops
  await expect
    .poll(async () => Number(await waiting.getAttribute("data-value")) - baseline, { timeout: 150_000, intervals: [500] })
    .toBeLessThanOrEqual(0);
  await expect(page.getByTestId("ingest-last-minute")).not.toHaveText("");
  await expect(page.getByTestId("tenant-usage").filter({ hasText: "Demo Buildings" })).toBeVisible();
  await keepScreenshot(page, testInfo, "system drained");
});
