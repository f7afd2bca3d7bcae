import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

test("the payloads page lists each decoder with its measures and a curl example of its webhook", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Payloads" }).click();
  const decoders = page.getByRole("region", { name: "Decoders" });
  await expect(decoders).toContainText("tts-elsys");
  await expect(decoders).toContainText("co2: co2");
  await expect(page.getByTestId("curl-gps-tracker")).toContainText("curl -X POST http://localhost:3001/api/payloads/gps-tracker");
  await expect(page.getByRole("combobox", { name: "State" })).toBeVisible();

  // in a tenant, an ingest key made on the spot goes into every example
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Demo Buildings" });
  await page.getByRole("button", { name: "Create an ingest key" }).click();
  const key = (await page.getByTestId("ingest-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^iotk_/);
  await expect(page.getByTestId("curl-tts-elsys")).toContainText(`Authorization: Bearer ${key}`);
});
