import { describe, expect, it } from "vitest";
import { PASSWORD, callerFor, expectCode, newTenant, signedInMember, signedInPlatformAdmin, uniqueEmail } from "../testkit";

describe("users and profiles", () => {
  it("a tenant admin creates members with profiles, finds them, and changes their name", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const tenantAdmin = await signedInMember(admin, tenant.id, ["admin"]);
    const email = uniqueEmail("new");
    const created = await tenantAdmin.as().users.create({ email, name: "New One", password: PASSWORD, profiles: ["editor"] });
    expect(created.memberships).toEqual([
      { tenantId: tenant.id, tenantName: tenant.name, group: "commons", profiles: ["editor"] },
    ]);
    expect(created).not.toHaveProperty("passwordHash");
    const found = await tenantAdmin.as().users.search({ query: email.slice(0, 10) });
    expect(found.items.map((u) => u.email)).toEqual([email]);
    const renamed = await tenantAdmin.as().users.update({ id: created.id, name: "Renamed" });
    expect(renamed.name).toBe("Renamed");
    await callerFor(null).auth.login({ email, password: PASSWORD });
  });

  it("a profile unknown to the tenant's group is refused naming the field", async () => {
    const admin = await signedInPlatformAdmin();
    const commons = await newTenant(admin, "commons");
    const tracking = await newTenant(admin, "asset_tracking");
    const error = await expectCode(
      admin.as(commons.id).users.create({ email: uniqueEmail(), name: "x", password: PASSWORD, profiles: ["dispatcher"] }),
      "BAD_REQUEST",
    );
    expect(error.message).toMatch(/dispatcher/);
    const dispatcher = await signedInMember(admin, tracking.id, ["dispatcher"]);
    const me = await dispatcher.as().auth.me();
    expect(me.currentTenant?.permissions).toEqual(expect.arrayContaining(["alerts:write", "assets:read"]));
    expect(me.currentTenant?.permissions).not.toContain("assets:write");
  });

  it("addProfile adds, removeProfile of the last profile removes the user from the tenant", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const member = await signedInMember(admin, tenant.id, ["viewer"]);
    const withEditor = await admin.as(tenant.id).users.addProfile({ userId: member.user.id, profile: "editor" });
    expect(withEditor.memberships[0]?.profiles).toEqual(["viewer", "editor"]);
    const first = await admin.as(tenant.id).users.removeProfile({ userId: member.user.id, profile: "viewer" });
    expect(first.removedFromTenant).toBe(false);
    const last = await admin.as(tenant.id).users.removeProfile({ userId: member.user.id, profile: "editor" });
    expect(last.removedFromTenant).toBe(true);
    await expectCode(member.as().auth.me(), "FORBIDDEN");
    const me = await member.as(null).auth.me();
    expect(me.tenants).toEqual([]);
  });

  it("a platform admin adds an existing user to another tenant; a tenant admin then cannot change or delete that account", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const member = await signedInMember(admin, a.id, ["viewer"]);
    await admin.as().users.addProfile({ userId: member.user.id, tenantId: b.id, profile: "editor" });
    const adminOfA = await signedInMember(admin, a.id, ["admin"]);
    await expectCode(adminOfA.as().users.update({ id: member.user.id, password: "hijacked password" }), "FORBIDDEN");
    const removal = await adminOfA.as().users.delete({ id: member.user.id });
    expect(removal.deleted).toBe("membership");
    // joining B ended the sessions it had: the member signs in again
    const { token } = await callerFor(null).auth.login({ email: member.user.email, password: PASSWORD });
    const me = await callerFor(token).auth.me();
    expect(me.tenants.map((t) => t.id)).toEqual([b.id]);
  });

  it("a tenant admin deletes an account that belonged to the tenant alone", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const adminOfTenant = await signedInMember(admin, tenant.id, ["admin"]);
    const member = await signedInMember(admin, tenant.id, ["viewer"]);
    expect((await adminOfTenant.as().users.delete({ id: member.user.id })).deleted).toBe("user");
    await expectCode(member.as(null).auth.me(), "UNAUTHORIZED");
    await expectCode(admin.as().users.get({ id: member.user.id }), "NOT_FOUND");
  });

  it("a tenant admin sees only the tenant's members", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const adminOfA = await signedInMember(admin, a.id, ["admin"]);
    const memberOfB = await signedInMember(admin, b.id, ["viewer"]);
    await expectCode(adminOfA.as().users.get({ id: memberOfB.user.id }), "NOT_FOUND");
    await expectCode(adminOfA.as().users.addProfile({ userId: memberOfB.user.id, profile: "viewer" }), "NOT_FOUND");
    const listed = await adminOfA.as().users.search({ limit: 200 });
    expect(listed.items.every((u) => u.memberships.every((m) => m.tenantId === a.id))).toBe(true);
    await expectCode(
      adminOfA
        .as()
        .users.create({ email: uniqueEmail(), name: "x", password: PASSWORD, profiles: ["viewer"], isPlatformAdmin: true }),
      "FORBIDDEN",
    );
  });

  it("an editor cannot manage users; a viewer can read but not write", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const editor = await signedInMember(admin, tenant.id, ["editor"]);
    const viewer = await signedInMember(admin, tenant.id, ["viewer"]);
    const input = { email: uniqueEmail(), name: "x", password: PASSWORD, profiles: ["viewer"] };
    await expectCode(editor.as().users.create(input), "FORBIDDEN");
    await expectCode(editor.as().users.addProfile({ userId: viewer.user.id, profile: "admin" }), "FORBIDDEN");
    await expectCode(viewer.as().users.delete({ id: editor.user.id }), "FORBIDDEN");
    expect((await viewer.as().users.search({})).total).toBeGreaterThanOrEqual(2);
    await expectCode(viewer.as().audit.search({}), "FORBIDDEN");
  });

  it("duplicate emails are a CONFLICT; users procedures without a tenant are BAD_REQUEST for members", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const member = await signedInMember(admin, tenant.id, ["admin"]);
    await expectCode(
      admin.as(tenant.id).users.create({ email: member.user.email, name: "dup", password: PASSWORD, profiles: ["viewer"] }),
      "CONFLICT",
    );
    const error = await expectCode(member.as(null).users.search({}), "BAD_REQUEST");
    expect(error.message).toMatch(/x-tenant-id/);
  });
});
