import { describe, expect, it } from "vitest";
import { allProcedures, callByPath } from "./procedures";
import { PASSWORD, expectCode, newTenant, signedInMember, signedInPlatformAdmin, uniqueEmail } from "./testkit";

// Tenant isolation at the API: a member of A, holding every tenant permission, calls every
// procedure with x-tenant-id naming B and real ids of B. Only auth.* works without a tenant.
describe("tenant isolation through the API", () => {
  it("refuses every tenant and platform procedure to a member of A naming tenant B", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const adminOfA = await signedInMember(admin, a.id, ["admin"]);
    const memberOfB = await signedInMember(admin, b.id, ["viewer"]);
    const input = {
      id: memberOfB.user.id,
      userId: memberOfB.user.id,
      tenantId: b.id,
      profile: "admin",
      profiles: ["admin"],
      email: uniqueEmail(),
      name: "intruder",
      password: PASSWORD,
    };
    const checked: string[] = [];
    for (const { path } of allProcedures()) {
      if (path.startsWith("auth.")) continue;
      await expectCode(callByPath(adminOfA.as(b.id), path, input), "FORBIDDEN");
      checked.push(path);
    }
    expect(checked).toEqual(expect.arrayContaining(["users.search", "users.update", "audit.search", "tenants.get"]));
    // and B is untouched
    const viewer = await admin.as(b.id).users.get({ id: memberOfB.user.id });
    expect(viewer.memberships).toEqual([expect.objectContaining({ tenantId: b.id, profiles: ["viewer"] })]);
  });
});
