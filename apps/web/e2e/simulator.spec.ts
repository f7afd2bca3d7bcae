import { expect, test } from "@playwright/test";
import { adminApi, signIn } from "./fixtures";
import { runSimulator } from "./simulator";

// The simulator posts through the real webhook with the seed's ingest key; the worker's
// pipeline stores the measures. Its payloads show in the log, its measures on the room
// its first Elsys sensor is linked to.
test("the simulator's payloads show in the payload log and its measures on an asset page and the demo dashboard", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(90_000);
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

  // the seed's dashboard over the two rooms: its room variable starts on lab-1; picking lab-2
  // shows that room's last temperature
  const { admin, actIn } = await adminApi(baseURL as string);
  const demo = (await admin.tenants.list.query({ query: "Demo Buildings" })).items[0];
  actIn(demo?.id as string);
  const lastOf = async (reference: string) => {
    const room = await admin.assets.get.query({ model: "Room", reference });
    const t = (await admin.assets.getLastMeasures.query({ assetId: room.id })).temperature?.values.temperature;
    return `${Number(t).toFixed(1)}`;
  };
  await page.getByRole("link", { name: "Dashboards", exact: true }).click();
  await page.getByRole("link", { name: "Lab rooms" }).click();
  const value = page.getByTestId("widget-temperature").getByTestId("widget-value");
  await expect(page.getByTestId("variable-room")).toHaveValue("Room/lab-1");
  await expect(value).toContainText(await lastOf("lab-1"));
  await expect(page.getByTestId("widget-temperatures").locator(".recharts-line")).toHaveCount(2);
  for (const room of ["lab-1", "lab-2"])
    await expect(page.getByTestId("widget-rooms").getByRole("row").filter({ hasText: room })).toHaveCount(1);
  await page.getByTestId("variable-room").selectOption({ label: "lab-2" });
  await expect(value).toContainText(await lastOf("lab-2"));
  await expect(page.getByTestId("widget-humidity")).not.toContainText("Pick a twin");

  // in the editor, the widgets draw over the variable's default, and another room previews
  await page.goto(`${page.url()}/edit`);
  await expect(value).toContainText(await lastOf("lab-1"));
  await page.getByTestId("editor-preview").getByTestId("variable-room").selectOption({ label: "lab-2" });
  await expect(value).toContainText(await lastOf("lab-2"));
});
