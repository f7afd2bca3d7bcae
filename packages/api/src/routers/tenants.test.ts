import { randomUUID } from "node:crypto";
import { type TenantHookContext, registerTenantModule } from "@iot/core";
import { withTenant } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";

// A module as later issues will write them: it keeps a resource per tenant. This one
// records the calls it gets, and refuses tenants named "refused-*" to prove the
// creation is one transaction.
const calls: { hook: string; tenant: string; group: string; sawSettings: boolean; visibleSettings?: number }[] = [];
registerTenantModule({
  name: "test-recorder",
  async onTenantCreate({ tenant, group, db }: TenantHookContext) {
    const settings = await db.tenantSettings.findUnique({ where: { tenantId: tenant.id } });
    // the hook's scope is its tenant only: other tenants' settings rows are not visible
    const visibleSettings = await db.tenantSettings.count();
    calls.push({ hook: "create", tenant: tenant.name, group: group.name, sawSettings: settings !== null, visibleSettings });
    if (tenant.name.startsWith("refused-")) throw new Error("module refused the tenant");
  },
  async onTenantDelete({ tenant, group }: TenantHookContext) {
    calls.push({ hook: "delete", tenant: tenant.name, group: group.name, sawSettings: true });
  },
});

describe("tenants", () => {
  it("create runs every module's onTenantCreate for the group, in the same transaction", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await admin.as().tenants.create({ name: `fleet-${randomUUID().slice(0, 6)}`, group: "asset_tracking" });
    expect(calls).toContainEqual({
      hook: "create",
      tenant: tenant.name,
      group: "asset_tracking",
      sawSettings: true,
      visibleSettings: 1,
    });
    const settings = await withTenant(tenant.id, (db) => db.tenantSettings.findUnique({ where: { tenantId: tenant.id } }));
    expect(settings).toMatchObject({ assetHistory: true, locale: "en" });
  });

  it("a failing module hook leaves no tenant behind", async () => {
    const admin = await signedInPlatformAdmin();
    const name = `refused-${randomUUID().slice(0, 6)}`;
    await expectCode(admin.as().tenants.create({ name, group: "commons" }), "INTERNAL_SERVER_ERROR");
    const list = await admin.as().tenants.list({ query: name });
    expect(list.total).toBe(0);
  });

  it("delete runs onTenantDelete and removes the tenant's rows", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    await admin.as().tenants.delete({ id: tenant.id });
    expect(calls).toContainEqual({ hook: "delete", tenant: tenant.name, group: "commons", sawSettings: true });
    await expectCode(admin.as().tenants.get({ id: tenant.id }), "NOT_FOUND");
    expect(await withTenant(tenant.id, (db) => db.tenantSettings.count())).toBe(0);
  });

  it("update renames; names are unique; unknown groups are refused naming the field", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const renamed = await admin.as().tenants.update({ id: a.id, name: `${a.name}-x` });
    expect(renamed.name).toBe(`${a.name}-x`);
    await expectCode(admin.as().tenants.update({ id: a.id, name: b.name }), "CONFLICT");
    await expectCode(admin.as().tenants.create({ name: b.name, group: "commons" }), "CONFLICT");
    const bad = await expectCode(admin.as().tenants.create({ name: "whatever", group: "nope" }), "BAD_REQUEST");
    expect(bad.message).toMatch(/group/);
  });

  it("lists groups with their profiles", async () => {
    const admin = await signedInPlatformAdmin();
    const groups = await admin.as().tenants.listGroups();
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["commons", "asset_tracking"]));
    const tracking = groups.find((g) => g.name === "asset_tracking");
    expect(tracking?.profiles.map((p) => p.name)).toEqual(expect.arrayContaining(["admin", "editor", "viewer", "dispatcher"]));
  });

  it("is for platform admins only, even a tenant admin is FORBIDDEN", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const tenantAdmin = await signedInMember(admin, tenant.id, ["admin"]);
    await expectCode(tenantAdmin.as().tenants.list({}), "FORBIDDEN");
    await expectCode(tenantAdmin.as().tenants.create({ name: "mine", group: "commons" }), "FORBIDDEN");
    await expectCode(tenantAdmin.as().tenants.delete({ id: tenant.id }), "FORBIDDEN");
  });
});
