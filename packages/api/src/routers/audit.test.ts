import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { PASSWORD, expectCode, newTenant, signedInMember, signedInPlatformAdmin, uniqueEmail } from "../testkit";

describe("audit log", () => {
  it("records who, which tenant, which procedure and entity, and the outcome of each mutation", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const tenantAdmin = await signedInMember(admin, tenant.id, ["admin"]);
    const secret = "a very secret password 42";
    const user = await tenantAdmin
      .as()
      .users.create({ email: uniqueEmail(), name: "Audited", password: secret, profiles: ["viewer"] });
    await expectCode(tenantAdmin.as().users.addProfile({ userId: user.id, profile: "no_such_profile" }), "BAD_REQUEST");

    const { items } = await tenantAdmin.as().audit.search({ entityId: user.id });
    expect(items.map((e) => [e.procedure, e.outcome, e.errorCode])).toEqual([
      ["users.addProfile", "error", "BAD_REQUEST"],
      ["users.create", "ok", null],
    ]);
    expect(items[1]).toMatchObject({
      tenantId: tenant.id,
      actorUserId: tenantAdmin.user.id,
      actorLabel: tenantAdmin.user.email,
      entityType: "users",
    });

    // nothing secret is ever stored
    const rows = await withPlatform((db) => db.auditEntry.findMany({ where: { at: { gte: new Date(Date.now() - 60_000) } } }));
    const dump = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(PASSWORD);
  });

  it("records logins and API key use, never the key", async () => {
    const admin = await signedInPlatformAdmin();
    const key = await admin.as().auth.createApiKey({ name: "ci" });
    const { items } = await admin.as().audit.search({ actorUserId: admin.user.id, limit: 10 });
    expect(items.map((e) => e.procedure)).toEqual(["auth.createApiKey", "auth.login"]);
    expect(JSON.stringify(items)).not.toContain(key.token);
  });

  it("a tenant admin reads only the tenant's entries; a platform admin reads all", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const adminOfA = await signedInMember(admin, a.id, ["admin"]);
    await signedInMember(admin, b.id, ["viewer"]);
    const own = await adminOfA.as().audit.search({ limit: 500 });
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((e) => e.tenantId === a.id)).toBe(true);
    const ofB = await adminOfA.as().audit.search({ tenantId: b.id });
    expect(ofB.items).toEqual([]);
    const platform = await admin.as().audit.search({ tenantId: b.id });
    expect(platform.items.length).toBeGreaterThan(0);
  });

  it("pages newest first with a cursor", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    for (let i = 0; i < 3; i++)
      await admin.as(tenant.id).users.create({ email: uniqueEmail(), name: `u${i}`, password: PASSWORD, profiles: ["viewer"] });
    const first = await admin.as(tenant.id).audit.search({ limit: 2, procedure: "users.create" });
    expect(first.items).toHaveLength(2);
    const second = await admin
      .as(tenant.id)
      .audit.search({ limit: 2, procedure: "users.create", cursor: first.nextCursor ?? undefined });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(Number(first.items[1]?.id)).toBeGreaterThan(Number(second.items[0]?.id));
  });
});
