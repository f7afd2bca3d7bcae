import { expect, test } from "@playwright/test";
import { keepScreenshot, signIn } from "./fixtures";
import { runSimulator } from "./simulator";

// The System page while the simulator floods the webhook: the payloads waiting for the
// pipeline rise, then drain to none once it stops; the ingest rate and tenants' usage show.
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

  // batches of 100 at 1,500 payloads a second for 6 s: faster than this machine's pipeline drains them
  const done = runSimulator(["--devices", "300", "--rate", "1500", "--batch", "100", "--duration", "6", "--quiet"]);

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
  const { code, output } = await done;
  expect(code, output).toBe(0);
  expect(output).toMatch(/refused none/);
  // and drains back to what it was once the simulator stops
  await expect
    .poll(async () => Number(await waiting.getAttribute("data-value")) - baseline, { timeout: 150_000, intervals: [500] })
    .toBeLessThanOrEqual(0);
  await expect(page.getByTestId("ingest-last-minute")).not.toHaveText("");
  await expect(page.getByTestId("tenant-usage").filter({ hasText: "Demo Buildings" })).toBeVisible();
  await keepScreenshot(page, testInfo, "system drained");
});
