import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";
import { runSimulator } from "./simulator";

// The simulator posts through the real webhook with the seed's ingest key; the worker's
// pipeline stores the measures. Its payloads show in the log, its measures on the room
// its first Elsys sensor is linked to.
test("the simulator's payloads show in the payload log and its measures on an asset page", async ({ page }) => {
  test.setTimeout(60_000);
  const run = await runSimulator(["--devices", "8", "--rate", "8", "--duration", "3"], 30_000);
  expect(run.code, run.output).toBe(0);
  expect(run.output).toMatch(/done: .*accepted [1-9]\d*\s+refused none/);

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Demo Buildings" });
  await page.getByRole("link", { name: "Payloads" }).click();
  await page.getByRole("combobox", { name: "Decoder" }).selectOption("tts-elsys");
  const log = page.getByRole("table", { name: "Payload log" });
  // processed by the worker within moments: reload until the first ones are VALID
  await expect(async () => {
    await page.reload();
    await page.getByRole("combobox", { name: "Decoder" }).selectOption("tts-elsys");
    await expect(log.getByText("VALID").first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(log).toContainText("A840411000000000");
  // a payload replayed through its (current) decoder
  await log
    .getByRole("button", { name: /^Replay payload/ })
    .first()
    .click();
  await expect(page.getByRole("status")).toContainText("Replayed 1 payload(s): 1 VALID");

  await page.getByRole("link", { name: "Assets" }).click();
  await page.getByRole("link", { name: "lab-1" }).click();
  const cards = page.getByTestId("last-measures");
  await expect(cards).toContainText("temperature");
  await expect(cards).toContainText("°C");
  await expect(cards).toContainText("ppm");
});
