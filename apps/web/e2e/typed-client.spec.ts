import type { AppRouter } from "@iot/api";
import { expect, test } from "@playwright/test";
import { TRPCClientError, createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { E2E_ADMIN, unique } from "./fixtures";

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
