import { describe, expect, it } from "vitest";
import { createContextFromRequest } from "./context";
import { createCaller } from "./root";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "./testkit";

// The calls of one HTTP request (a console batch) share who the token is and, for queries,
// the member's access in the tenant; each call still checks its own permission, and a
// mutation looks the member's access up afresh.

const requestAs = (token: string, tenantId: string) =>
  createCaller(
    createContextFromRequest(
      new Request("http://localhost/api/trpc", { headers: { authorization: `Bearer ${token}`, "x-tenant-id": tenantId } }),
      new Headers(),
    ),
  );

describe("one request's calls", () => {
  it("check each call's permission on the shared access, and mutations see a profile changed meanwhile", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const viewer = await signedInMember(admin, tenant.id, ["viewer"]);
    const batch = requestAs(viewer.token, tenant.id);
    const [list, refused] = await Promise.allSettled([
      batch.dashboards.list({}),
      batch.dashboards.create({ title: "not for viewers" }),
    ]);
    expect(list.status).toBe("fulfilled");
    expect(refused.status === "rejected" && (refused.reason as { code?: string }).code).toBe("FORBIDDEN");

    const editor = await signedInMember(admin, tenant.id, ["editor"]);
    const request = requestAs(editor.token, tenant.id);
    expect(await request.dashboards.list({})).toEqual([]);
    await admin.as(tenant.id).users.addProfile({ userId: editor.user.id, profile: "viewer" });
    await admin.as(tenant.id).users.removeProfile({ userId: editor.user.id, profile: "editor" });
    await expectCode(request.dashboards.create({ title: "after losing edit" }), "FORBIDDEN");
  });
});
