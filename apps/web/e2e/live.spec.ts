import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "@playwright/test";
import { testEnv } from "../../../scripts/test-env.mjs";
import { E2E_INGEST_PORT } from "../playwright.config";
import { signIn } from "./fixtures";

// Live measures: with the simulator posting, the room its sensor feeds updates in place
// (cards, chart, table) in one browser; a second browser in another tenant gets none of it.
const root = fileURLToPath(new URL("../../..", import.meta.url));

function simulate(seconds: number): ChildProcess {
  const env = { ...process.env, ...testEnv() };
  const { key } = JSON.parse(readFileSync(env.DEMO_KEY_FILE, "utf8")) as { key: string };
  return spawn(
    process.execPath,
    [
      ...["--import", "tsx", "scripts/simulate.ts", "--devices", "8", "--rate", "8", "--duration", String(seconds)],
      ...["--quiet", "--url", `http://127.0.0.1:${E2E_INGEST_PORT}`],
    ],
    { cwd: root, env: { ...env, IOT_INGEST_KEY: key }, stdio: "ignore" },
  );
}

test("an asset page updates live while the simulator runs; another tenant's browser receives none of it", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Demo Buildings" });
  await page.getByRole("link", { name: "Assets" }).click();
  await page.getByRole("link", { name: "lab-1" }).click();
  await page.waitForURL(/\/assets\/[0-9a-f-]{36}$/);
  const labUrl = page.url();
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const table = page.getByRole("table", { name: "Measures" });
  const rowsBefore = await table
    .getByRole("row")
    .count()
    .catch(() => 0);

  // the other browser, in Demo Fleet: its own container's page, and the room's address
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage);
  await otherPage.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Demo Fleet" });
  await otherPage.getByRole("link", { name: "Assets" }).click();
  await otherPage.getByRole("link", { name: "MSKU-100001" }).click();
  await expect(otherPage.getByTestId("live-status")).toHaveText("Live");
  const otherCards = await otherPage.getByTestId("last-measures").textContent();
  const otherRows = await otherPage.getByRole("row").count();

  const simulator = simulate(12);
  const exited = new Promise((r) => simulator.once("exit", r));
  try {
    // without a reload: new rows, cards that change, and the chart drawing the room's slots
    await expect.poll(() => table.getByRole("row").count(), { timeout: 20_000 }).toBeGreaterThan(rowsBefore + 2);
    const cards = page.getByTestId("last-measures");
    await expect(cards).toContainText("°C");
    const before = await cards.textContent();
    await expect.poll(() => cards.textContent(), { timeout: 15_000 }).not.toBe(before);
    await expect(page.getByTestId("measure-chart").locator(".recharts-line")).not.toHaveCount(0);
  } finally {
    await exited;
  }

  // the other tenant saw nothing move, and cannot follow the room from its address
  expect(await otherPage.getByTestId("last-measures").textContent()).toBe(otherCards);
  expect(await otherPage.getByRole("row").count()).toBe(otherRows);
  await otherPage.goto(labUrl);
  await expect(otherPage.getByTestId("last-measures")).toHaveCount(0);
  await other.close();
});
