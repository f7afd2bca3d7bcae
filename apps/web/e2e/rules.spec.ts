import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { testEnv } from "../../../scripts/test-env.mjs";
import { E2E_INGEST_PORT } from "../playwright.config";
import { signIn, unique } from "./fixtures";

// A temperature rule built in the editor, dry-run against the last measures of the
// simulator's first Elsys sensor (linked to the room lab-1), enabled and saved; then the
// simulator posts again, the worker runs the rule, and its alert shows on the alerts page
// without a reload, where it is acknowledged.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const SENSOR = "A840411000000000";

function simulate(seconds: number) {
  const env = { ...process.env, ...testEnv() };
  const { key } = JSON.parse(readFileSync(env.DEMO_KEY_FILE, "utf8")) as { key: string };
  const run = spawnSync(
    process.execPath,
    [
      ...["--import", "tsx", "scripts/simulate.ts", "--decoder", "tts-elsys", "--devices", "1", "--rate", "4"],
      ...["--duration", String(seconds), "--key", key, "--url", `http://127.0.0.1:${E2E_INGEST_PORT}`],
    ],
    { cwd: root, env, encoding: "utf8", timeout: 30_000 },
  );
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toMatch(/done: .*accepted [1-9]\d*\s+refused none/);
}

test("a rule built and dry-run in the editor raises a live alert, acknowledged on the alerts page", async ({ page }) => {
  test.setTimeout(120_000);
  const name = unique("too-hot");
  // measures for the dry run
  simulate(2);

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Demo Buildings" });
  await page.getByRole("link", { name: "Rules", exact: true }).click();
  await page.getByTestId("rule-new").click();
  await page.waitForURL(/\/rules\/new$/);

  await page.getByTestId("rule-name").fill(name);
  await page.getByTestId("rule-trigger-event").selectOption("measures.processed");
  await page.getByTestId("cond-add").click();
  await page.getByTestId("cond-field-0").fill("measure.values.temperature");
  await page.getByTestId("cond-op-0").selectOption("gt");
  await page.getByTestId("cond-value-0").fill("-100");
  await expect(page.getByTestId("cond-explain")).toHaveText("When measure.values.temperature is greater than -100");
  await page.getByTestId("rule-holds-for-minutes").fill("0");
  await page.getByTestId("step-add").click();
  await page.getByTestId("step-task-0").selectOption("raiseAlert");
  await page.getByTestId("step-0-arg-message").fill("Too hot: {{measure.values.temperature}}");
  await page.getByTestId("step-0-arg-severity").selectOption("critical");

  // the rule as edited, against the sensor's last measures
  await page.getByTestId("dry-run-device").selectOption({ label: SENSOR });
  await page.getByTestId("dry-run-run").click();
  const result = page.getByTestId("dry-run-result");
  await expect(result).toBeVisible({ timeout: 15_000 });
  const fired = result.locator('[data-testid="dry-run-event"][data-fired="true"]').first();
  await expect(fired).toBeVisible();
  await expect(fired.getByTestId("trace-node").first()).toHaveAttribute("data-holds", "true");
  await expect(fired.getByTestId("dry-run-step")).toContainText('raise a critical alert on asset lab-1: "Too hot: ');
  // measures without a temperature (humidity, pressure...) do not hold
  await expect(result.locator('[data-testid="dry-run-event"][data-fired="false"]').first()).toBeVisible();

  await page.getByTestId("rule-enabled").check();
  await page.getByTestId("rule-save").click();
  await page.waitForURL(/\/rules\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();

  // the alerts page, open while the sensor posts
  await page.getByRole("link", { name: "Alerts", exact: true }).click();
  await page.waitForURL(/\/alerts$/);
  await page.getByRole("searchbox", { name: "Search" }).fill(name);
  await expect(page.getByTestId("alerts-live-status")).toHaveText("● Live");
  const rows = page.getByTestId("alert-row");
  await expect(rows).toHaveCount(0);
  const badge = page.getByTestId("alerts-badge");
  const before = Number(await badge.getAttribute("data-count"));

  simulate(2);
  // raised by the worker, shown without a reload: once per twin while open
  await expect(rows).toHaveCount(1, { timeout: 20_000 });
  const row = rows.first();
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(row).toHaveAttribute("data-severity", "critical");
  await expect(row).toContainText("lab-1");
  await expect(row.getByTestId("alert-message")).toContainText(/Too hot: -?\d/);
  await expect.poll(async () => Number(await badge.getAttribute("data-count"))).toBeGreaterThan(before);

  await row.getByTestId("alert-ack").click();
  await expect(row).toHaveAttribute("data-status", "acknowledged");
  await expect(row.getByTestId("alert-ack")).toHaveCount(0);

  // the rules list: its open alert and last run; switched off so later runs stay quiet
  await page.getByRole("link", { name: "Rules", exact: true }).click();
  await page.getByRole("searchbox", { name: "Search" }).fill(name);
  const ruleRow = page.getByTestId("rule-row").filter({ hasText: name });
  await expect(ruleRow).toContainText("succeeded");
  await expect(ruleRow.getByTestId("rule-toggle")).toBeChecked();
  await ruleRow.getByTestId("rule-toggle").uncheck();
  await expect(ruleRow.getByTestId("rule-toggle")).not.toBeChecked();
  await expect(ruleRow).toContainText("off");
});
