import { expect, test } from "@playwright/test";
import { signIn, unique } from "./fixtures";

test("a platform admin creates a tenant, adds a member with profiles, changes them and removes the member", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "Tenants" }).click();

  // validation errors land on the field
  await page.getByRole("button", { name: "New tenant" }).click();
  await page.getByLabel("Name").fill("x");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByText("at least 2 characters")).toBeVisible();

  const tenant = unique("Acme");
  await page.getByLabel("Name").fill(tenant);
  await page.getByLabel("Group").selectOption("asset_tracking");
  await page.getByRole("button", { name: "Create tenant" }).click();
  await expect(page.getByRole("row", { name: new RegExp(tenant) })).toContainText("asset_tracking");

  // act in the new tenant
  await page.getByRole("combobox", { name: "Tenant", exact: true }).selectOption({ label: tenant });
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByText(`Members of ${tenant}`)).toBeVisible();

  const email = `${unique("member")}@example.com`;
  await page.getByRole("button", { name: "New user" }).click();
  await page.getByLabel("Name").fill("Mia Member");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByText("at least 10 characters").first()).toBeVisible();
  await page.getByLabel("Password").fill("long enough password");
  await page.getByRole("checkbox", { name: "dispatcher" }).check();
  await page.getByRole("button", { name: "Create user" }).click();

  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(row.getByRole("button", { name: `Remove profile viewer from ${email}` })).toBeVisible();
  await expect(row.getByRole("button", { name: `Remove profile dispatcher from ${email}` })).toBeVisible();

  await row.getByLabel(`Add a profile to ${email}`).selectOption("editor");
  await expect(row.getByRole("button", { name: `Remove profile editor from ${email}` })).toBeVisible();
  await row.getByRole("button", { name: `Remove profile viewer from ${email}` }).click();
  await expect(row.getByRole("button", { name: `Remove profile viewer from ${email}` })).toHaveCount(0);
  await expect(row.getByRole("button", { name: `Remove profile editor from ${email}` })).toBeVisible();

  await row.getByRole("button", { name: "Remove", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("row", { name: new RegExp(email) })).toHaveCount(0);

  // the audit log shows what happened
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("row", { name: /users\.create/ }).first()).toBeVisible();
  await expect(page.getByRole("row", { name: /users\.delete/ }).first()).toBeVisible();
});

test("a viewer sees members but no way to manage them, and no platform pages", async ({ page }) => {
  // the seeded demo member of Demo Fleet is a dispatcher: read-only on users
  await signIn(page, "dispatch@example.com", "demo-password");
  await expect(page.getByRole("link", { name: "Tenants" })).toHaveCount(0);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("row", { name: /dispatch@example.com/ })).toBeVisible();
  await expect(page.getByRole("button", { name: "New user" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
});

test("an API key is shown once, listed by its prefix, and can be revoked", async ({ page }) => {
  await signIn(page);
  await page.getByRole("link", { name: "API keys" }).click();
  const name = unique("export");
  await page.getByLabel("Key name").fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-api-key").textContent();
  expect(key).toMatch(/^iotk_/);
  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(`${key?.slice(0, 12)}…`);
  await expect(row).toContainText("active");
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await expect(row).toContainText("revoked");
});

test("the console is usable at tablet width: the menu opens from the top bar", async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 1000 });
  await signIn(page);
  await page.getByRole("button", { name: "Open menu" }).click();
  await page.getByRole("link", { name: "Tenants" }).click();
  await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
  await page.screenshot({ path: "test-results/tablet-tenants.png", fullPage: true });
});
