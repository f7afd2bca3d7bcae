import { randomUUID } from "node:crypto";
import { hashPassword } from "@iot/core";
import { withPlatform } from "@iot/db";
import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { createInnerContext } from "./context";
import { startEventBridges } from "./bridges";
import { createCaller } from "./root";

startEventBridges();

// Helpers for tests that call the API as its clients do, without HTTP.

export const PASSWORD = "correct horse battery";

/** A caller as `token`, in `tenantId`; `signal` ends its subscriptions. */
export function callerFor(token: string | null, tenantId?: string | null, signal?: AbortSignal) {
  return createCaller(createInnerContext({ token, tenantId: tenantId ?? null }), signal ? { signal } : {});
}

export function uniqueEmail(tag = "user") {
  return `${tag}-${randomUUID().slice(0, 8)}@example.test`;
}

/** A platform admin made straight in the database (as the seed does), signed in. */
export async function signedInPlatformAdmin() {
  const email = uniqueEmail("admin");
  const passwordHash = await hashPassword(PASSWORD);
  await withPlatform((db) => db.user.create({ data: { email, name: "Admin", passwordHash, isPlatformAdmin: true } }));
  const { token, user } = await callerFor(null).auth.login({ email, password: PASSWORD });
  return { token, user, as: (tenantId?: string | null) => callerFor(token, tenantId) };
}

export async function newTenant(admin: Awaited<ReturnType<typeof signedInPlatformAdmin>>, group = "commons") {
  return admin.as().tenants.create({ name: `tenant-${randomUUID().slice(0, 8)}`, group });
}

/** A member of `tenantId` with `profiles`, created by a platform admin, signed in. */
export async function signedInMember(
  admin: Awaited<ReturnType<typeof signedInPlatformAdmin>>,
  tenantId: string,
  profiles: string[],
) {
  const email = uniqueEmail(profiles.join("-"));
  const user = await admin.as(tenantId).users.create({ email, name: profiles.join(" "), password: PASSWORD, profiles });
  const { token } = await callerFor(null).auth.login({ email, password: PASSWORD });
  return { token, user, as: (t: string | null = tenantId) => callerFor(token, t) };
}

/** Asserts that a call fails with this tRPC code; returns the error for more checks. */
export async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code, (error as TRPCError).message).toBe(code);
  return error as TRPCError;
}
