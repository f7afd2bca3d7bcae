import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { allProcedures, callByPath } from "./procedures";
import { callerFor, expectCode, newTenant, signedInPlatformAdmin } from "./testkit";

describe("bad input", () => {
  it("every procedure with an input answers a wrong-typed input with BAD_REQUEST", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    for (const { path, hasInput } of allProcedures()) {
      if (!hasInput) continue;
      const error = await expectCode(callByPath(admin.as(tenant.id), path, 42), "BAD_REQUEST");
      expect(error.message, path).toMatch(/\(input\)|expected object/);
    }
  });

  it("names the field that is wrong", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const cases: [string, unknown, RegExp][] = [
      ["users.get", { id: "not-an-id" }, /^id: /],
      [
        "users.create",
        { email: "nope", name: "x", password: "long enough pw", profiles: ["viewer"] },
        /^email: must be an email/,
      ],
      ["users.create", { email: "a@b.test", name: "x", password: "short", profiles: ["viewer"] }, /^password: at least 10/],
      ["tenants.create", { name: 7, group: "commons" }, /^name: /],
      ["tenants.update", { id: tenant.id, name: "x" }, /^name: at least 2/],
      ["auth.createApiKey", { name: "k", permissions: ["devices:fly"] }, /^permissions\.0: /],
      ["audit.search", { limit: 100000 }, /^limit: /],
    ];
    for (const [path, input, message] of cases) {
      const error = await expectCode(callByPath(admin.as(tenant.id), path, input), "BAD_REQUEST");
      expect(error.message, path).toMatch(message);
    }
  });

  it("unknown ids are NOT_FOUND", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const id = randomUUID();
    for (const [path, input] of [
      ["users.get", { id }],
      ["users.update", { id, name: "x" }],
      ["users.delete", { id }],
      ["users.addProfile", { userId: id, profile: "viewer" }],
      ["tenants.get", { id }],
      ["tenants.update", { id, name: "xx" }],
      ["tenants.delete", { id }],
      ["auth.revokeApiKey", { id }],
    ] as const) {
      await expectCode(
        callByPath(admin.as(path.startsWith("tenants") || path.startsWith("auth") ? null : tenant.id), path, input),
        "NOT_FOUND",
      );
    }
    await expectCode(admin.as(randomUUID()).users.search({}), "NOT_FOUND");
  });

  it("no input of any shape makes any procedure fail with a 500 (property-based)", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    // an API key, so that auth.logout among the procedures cannot end the session
    const { token } = await admin.as().auth.createApiKey({ name: "fuzz" });
    const paths = allProcedures().map((p) => p.path);
    const input = fc.oneof(
      fc.anything(),
      fc.record(
        { id: fc.oneof(fc.uuid(), fc.string()), name: fc.string(), limit: fc.integer(), email: fc.string() },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        input,
        fc.constantFrom(tenant.id, null, "junk"),
        async (path, value, tenantId) => {
          try {
            await callByPath(callerFor(token, tenantId), path, value);
          } catch (error) {
            expect(error).toBeInstanceOf(TRPCError);
            expect((error as TRPCError).code, `${path} ${JSON.stringify(value)}`).not.toBe("INTERNAL_SERVER_ERROR");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
