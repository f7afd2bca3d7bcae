import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@iot/api";
import { expect, test } from "@playwright/test";
import { TRPCClientError, createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { E2E_INGEST_PORT } from "../playwright.config";
import { E2E_ADMIN, adminApi, unique } from "./fixtures";

// A separate program using the exported AppRouter type over HTTP, as the README shows.
function client(baseURL: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${baseURL}/api/trpc`, transformer: superjson, headers })] });
}

test("a program signs in, creates a tenant-limited API key and uses it with the typed client", async ({ baseURL }) => {
  const anonymous = client(baseURL as string);
  const { token } = await anonymous.auth.login.mutate(E2E_ADMIN);
  const admin = client(baseURL as string, { authorization: `Bearer ${token}` });
  const tenant = await admin.tenants.create.mutate({ name: unique("Typed"), group: "commons" });
  const key = await admin.auth.createApiKey.mutate({ name: "program", tenantId: tenant.id });

  const program = client(baseURL as string, { authorization: `Bearer ${key.token}` });
  const me = await program.auth.me.query();
  expect(me.currentTenant?.id).toBe(tenant.id);
  const users = await program.users.search.query({});
  expect(users.total).toBe(0);

  const elsewhere = client(baseURL as string, { authorization: `Bearer ${key.token}`, "x-tenant-id": crypto.randomUUID() });
  const refused = await elsewhere.users.search.query({}).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(TRPCClientError);
  expect((refused as TRPCClientError<AppRouter>).data?.code).toBe("FORBIDDEN");
  expect((refused as TRPCClientError<AppRouter>).data?.httpStatus).toBe(403);

  await admin.auth.revokeApiKey.mutate({ id: key.id });
  const revoked = await program.auth.me.query().catch((e: unknown) => e);
  expect((revoked as TRPCClientError<AppRouter>).data?.httpStatus).toBe(401);
});

// examples/quickstart, a program that depends on @iot/client only, against the platform as
// started for these tests: an asset, measures through the webhook, read back, followed live.
test("the quickstart example runs against the platform with a tenant's API key", async ({ baseURL }) => {
  test.setTimeout(90_000);
  const { admin } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: unique("Example"), group: "commons" });
  const key = await admin.auth.createApiKey.mutate({ name: "example", tenantId: tenant.id });
  const root = fileURLToPath(new URL("../../..", import.meta.url));
  const run = spawnSync(process.execPath, ["--import", "tsx", "examples/quickstart/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      IOT_URL: baseURL as string,
      IOT_INGEST_URL: `http://127.0.0.1:${E2E_INGEST_PORT}`,
      IOT_API_KEY: key.token,
    },
    encoding: "utf8",
    timeout: 80_000,
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(run.stdout).toContain(`acting in ${tenant.name}`);
  expect(run.stdout).toMatch(/the room holds 3 measures: /);
  expect(run.stdout).toMatch(/live: 22\.5 °C arrived on example-room-/);
  expect(run.stdout.trim().split("\n").at(-1)).toBe("done");
});
