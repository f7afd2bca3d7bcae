import { expect, test } from "@playwright/test";
import { E2E_ADMIN, signIn } from "./fixtures";

test("a signed-out visitor is sent to the login page", async ({ page }) => {
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password is refused with a message, the right one signs in, sign out ends the session", async ({
  page,
  context,
}) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "wrong email or password" })).toBeVisible();

  await signIn(page);
  const cookie = (await context.cookies()).find((c) => c.name === "iot_session");
  expect(cookie?.httpOnly).toBe(true);
  await expect(page.getByRole("heading", { name: /Welcome/ })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // the old cookie no longer opens the console
  if (cookie) await context.addCookies([cookie]);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});

test("an invalid email is shown on its field", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("x");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("must be an email address")).toBeVisible();
});

test("the theme switches to dark and stays after a reload", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Use dark theme" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByRole("button", { name: "Use light theme" }).click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);
});
