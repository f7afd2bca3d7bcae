import { expect, test } from "@playwright/test";
import { E2E_ADMIN, apiClient, signIn, unique } from "./fixtures";

test("a platform admin models and provisions a device by CSV and attaches it; a tenant user links it to an asset and sees it in the history", async ({
  page,
  baseURL,
}) => {
  const tag = unique("t").slice(2);
  const modelName = `E2E-Sensor-${tag}`;
  const reference = `dev-${tag}`;

  // a tenant with an editor, through the typed client
  const api = (token?: string) => apiClient(baseURL as string, token);
  const { token } = await api().auth.login.mutate(E2E_ADMIN);
  const tenant = await api(token).tenants.create.mutate({ name: `Twins ${tag}`, group: "commons" });
  const editor = { email: `editor-${tag}@example.com`, password: "editor-password" };
  await api(token).users.create.mutate({ ...editor, name: "Eddie Editor", profiles: ["editor"], tenantId: tenant.id });

  // the platform admin: a device model...
  await signIn(page);
  await page.getByRole("link", { name: "Models" }).click();
  await page.getByRole("button", { name: "New device model" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Model name").fill(modelName);
  await dialog.getByRole("button", { name: "+ Slot" }).click();
  await dialog.getByLabel("Slot 1 name").fill("temperature");
  await dialog.getByLabel("Slot 1 type").selectOption("temperature");
  await dialog.getByRole("button", { name: "+ Field" }).click();
  await dialog.getByLabel("Field 1 name").fill("firmware");
  await dialog.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByRole("row", { name: new RegExp(modelName) })).toContainText("temperature: temperature");

  // ...devices from a CSV file, one row refused...
  await page.getByRole("link", { name: "Devices" }).click();
  await expect(page.getByRole("heading", { name: "Device catalog" })).toBeVisible();
  await page.getByLabel("CSV file").setInputFiles({
    name: "devices.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`model,reference,metadata.firmware\n${modelName},${reference},1.2\nNoSuchModel,x,\n`),
  });
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("1 of 2 row(s) imported, 1 refused");
  await expect(report).toContainText('line 3 unknown device model "NoSuchModel"');

  // ...attached to the tenant
  await page.getByLabel("Search").fill(reference);
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("heading", { name: reference })).toBeVisible();
  await page.getByRole("combobox", { name: "Attach to tenant" }).selectOption({ label: tenant.name });
  await page.getByRole("button", { name: "Attach", exact: true }).click();
  await expect(page.getByText(`Attached to ${tenant.name}`)).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();

  // the tenant's editor creates an asset and links the device through the dialog
  await signIn(page, editor.email, editor.password);
  await page.getByRole("link", { name: "Assets" }).click();
  await page.getByRole("button", { name: "New asset" }).click();
  await page.getByRole("dialog").getByLabel("Model").selectOption("Room");
  await page.getByRole("dialog").getByLabel("Reference").fill(`room-${tag}`);
  await page.getByRole("dialog").getByRole("button", { name: "Create asset" }).click();
  await expect(page.getByRole("heading", { name: `room-${tag}` })).toBeVisible();

  await page.getByRole("link", { name: "Devices" }).click();
  await page.getByRole("link", { name: reference }).click();
  await page.getByRole("button", { name: "Link to an asset" }).click();
  const link = page.getByRole("dialog");
  await link.getByLabel("Find the asset").fill(`room-${tag}`);
  await link.getByLabel("Asset", { exact: true }).selectOption({ label: `room-${tag} (Room)` });
  await expect(link.getByLabel("Slot for temperature")).toHaveValue("temperature");
  await link.getByRole("button", { name: "Link" }).click();
  await expect(page.getByTestId("linked-asset")).toBeVisible();

  await page.getByTestId("linked-asset").click();
  await expect(page.getByTestId("linked-devices")).toContainText(reference);
  const history = page.getByRole("list", { name: "Asset history" });
  await expect(history.getByRole("listitem").first()).toContainText("Device linked");
  await expect(history.getByRole("listitem").first()).toContainText(reference);
  await expect(history.getByRole("listitem").first()).toContainText(editor.email);
});
