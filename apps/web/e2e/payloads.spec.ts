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
});
