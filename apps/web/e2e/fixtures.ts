import type { AppRouter } from "@iot/api";
import { type Page, type TestInfo, expect } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";

import { E2E_ADMIN } from "./accounts";

export { E2E_ADMIN };

export function unique(prefix: string) {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function signIn(page: Page, email = E2E_ADMIN.email, password = E2E_ADMIN.password) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(email);
}

/** The typed client as a program uses it; `tenant()` is read at each call. */
export function apiClient(baseURL: string, token?: string, tenant: () => string | null = () => null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseURL}/api/trpc`,
        transformer: superjson,
        headers: () => {
          const t = tenant();
          return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(t ? { "x-tenant-id": t } : {}) };
        },
      }),
    ],
  });
}

/** A full-page screenshot kept as a test artifact (test-results/<test>/<name>.png), passed or failed. */
export async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name.replace(/\W+/g, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** The e2e admin through the typed client; `actIn(id)` makes the calls after it act in that tenant. */
export async function adminApi(baseURL: string) {
  let tenantId: string | null = null;
  const api = (token?: string) => apiClient(baseURL, token, () => tenantId);
  const { token } = await api().auth.login.mutate(E2E_ADMIN);
  return {
    admin: api(token),
    actIn: (id: string | null) => {
      tenantId = id;
    },
  };
}
