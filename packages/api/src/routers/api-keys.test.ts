import { hashToken } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { callerFor, expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";

describe("API keys", () => {
  it("is shown once, stored as its SHA-256, listed without the secret, and works as a Bearer", async () => {
    const admin = await signedInPlatformAdmin();
    const key = await admin.as().auth.createApiKey({ name: "script" });
    expect(key.token).toMatch(/^iotk_/);
    const listed = await admin.as().auth.listApiKeys();
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ name: "script", prefix: key.token.slice(0, 12) });
    expect(JSON.stringify(listed)).not.toContain(key.token);
    const row = await withPlatform((db) => db.apiKey.findUniqueOrThrow({ where: { id: key.id } }));
    expect(row.tokenHash).toBe(hashToken(key.token));
    const me = await callerFor(key.token).auth.me();
    expect(me.apiKey).toMatchObject({ id: key.id, name: "script" });
  });

  it("once revoked, is UNAUTHORIZED", async () => {
    const admin = await signedInPlatformAdmin();
    const key = await admin.as().auth.createApiKey({ name: "short-lived" });
    await callerFor(key.token).tenants.listGroups();
    await admin.as().auth.revokeApiKey({ id: key.id });
    await expectCode(callerFor(key.token).tenants.listGroups(), "UNAUTHORIZED");
  });

  it("limited to a tenant: implies that tenant, refuses a header naming another, and refuses platform procedures", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const member = await signedInMember(admin, a.id, ["admin"]);
    const key = await member.as(null).auth.createApiKey({ name: "tenant key", tenantId: a.id });
    const users = await callerFor(key.token).users.search({});
    expect(users.items.map((u) => u.id)).toContain(member.user.id);
    await expectCode(callerFor(key.token, b.id).users.search({}), "FORBIDDEN");
    expect((await callerFor(key.token, a.id).users.search({})).total).toBeGreaterThan(0);
    await expectCode(callerFor(key.token).tenants.list({}), "FORBIDDEN");
  });

  it("cannot be limited to a tenant the user is not a member of", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const member = await signedInMember(admin, a.id, ["admin"]);
    await expectCode(member.as(null).auth.createApiKey({ name: "k", tenantId: b.id }), "FORBIDDEN");
  });

  it("limited to permissions: allows those, refuses the rest even when the user holds them", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const member = await signedInMember(admin, tenant.id, ["admin"]);
    const key = await member.as(null).auth.createApiKey({ name: "read only", tenantId: tenant.id, permissions: ["users:read"] });
    await callerFor(key.token).users.search({});
    await expectCode(
      callerFor(key.token).users.create({ email: "x@example.test", name: "x", password: "long enough pw", profiles: ["viewer"] }),
      "FORBIDDEN",
    );
    await expectCode(callerFor(key.token).audit.search({}), "FORBIDDEN");
  });

  it("a platform admin's key without platform:manage cannot reach platform procedures", async () => {
    const admin = await signedInPlatformAdmin();
    const key = await admin.as().auth.createApiKey({ name: "narrow", permissions: ["users:read"] });
    await expectCode(callerFor(key.token).tenants.list({}), "FORBIDDEN");
  });

  it("a key cannot create keys, and a user cannot revoke another user's key", async () => {
    const admin = await signedInPlatformAdmin();
    const other = await signedInPlatformAdmin();
    const key = await admin.as().auth.createApiKey({ name: "k" });
    await expectCode(callerFor(key.token).auth.createApiKey({ name: "k2" }), "FORBIDDEN");
    await expectCode(other.as().auth.revokeApiKey({ id: key.id }), "NOT_FOUND");
  });
});
