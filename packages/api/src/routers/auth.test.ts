import { hashToken } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { createContextFromRequest, createInnerContext } from "../context";
import { createCaller } from "../root";
import { PASSWORD, callerFor, expectCode, signedInMember, signedInPlatformAdmin, newTenant } from "../testkit";

describe("auth", () => {
  it("logs in, sets an httpOnly session cookie, and the token works as a Bearer", async () => {
    const admin = await signedInPlatformAdmin();
    const resHeaders = new Headers();
    const caller = createCaller(createInnerContext({ resHeaders }));
    const session = await caller.auth.login({ email: admin.user.email.toUpperCase(), password: PASSWORD });
    expect(resHeaders.get("set-cookie")).toMatch(/^iot_session=iots_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const me = await callerFor(session.token).auth.me();
    expect(me.user).toMatchObject({ email: admin.user.email, isPlatformAdmin: true });
    // only the hash is kept
    const stored = await withPlatform((db) =>
      db.session.findMany({ where: { userId: admin.user.id }, select: { tokenHash: true } }),
    );
    expect(stored.map((s) => s.tokenHash)).toContain(hashToken(session.token));
    expect(JSON.stringify(stored)).not.toContain(session.token);
  });

  it("refuses a wrong password or unknown email with UNAUTHORIZED and the same message", async () => {
    const admin = await signedInPlatformAdmin();
    const wrong = await expectCode(
      callerFor(null).auth.login({ email: admin.user.email, password: "nope-nope-nope" }),
      "UNAUTHORIZED",
    );
    const unknown = await expectCode(callerFor(null).auth.login({ email: "nobody@example.test", password: "x" }), "UNAUTHORIZED");
    expect(wrong.message).toBe(unknown.message);
  });

  it("locks an email after 5 failures, even for the right password", async () => {
    const admin = await signedInPlatformAdmin();
    for (let i = 0; i < 5; i++) {
      await expectCode(callerFor(null).auth.login({ email: admin.user.email, password: `bad-${i}` }), "UNAUTHORIZED");
    }
    const locked = await expectCode(
      callerFor(null).auth.login({ email: admin.user.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
    );
    expect(locked.message).toMatch(/try again in \d+ s/);
  });

  it("parallel guesses cannot get past the limit: at most 5 are checked, the rest are refused", async () => {
    const admin = await signedInPlatformAdmin();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => callerFor(null).auth.login({ email: admin.user.email, password: `guess-${i}` })),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "OK"));
    expect(codes.filter((c) => c === "UNAUTHORIZED").length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(7);
    expect(codes).not.toContain("OK");
  });

  it("a malformed session cookie is treated as no cookie", async () => {
    const req = new Request("http://x/api/trpc", { headers: { cookie: "iot_session=%E0%A4; other=1" } });
    expect(createContextFromRequest(req, new Headers()).token).toBeNull();
  });

  it("logout revokes the token and clears the cookie", async () => {
    const admin = await signedInPlatformAdmin();
    const resHeaders = new Headers();
    await createCaller(createInnerContext({ token: admin.token, resHeaders })).auth.logout();
    expect(resHeaders.get("set-cookie")).toMatch(/^iot_session=; .*Max-Age=0/);
    await expectCode(callerFor(admin.token).auth.me(), "UNAUTHORIZED");
  });

  it("an expired session is refused", async () => {
    const admin = await signedInPlatformAdmin();
    await withPlatform((db) =>
      db.session.updateMany({ where: { tokenHash: hashToken(admin.token) }, data: { expiresAt: new Date(Date.now() - 1000) } }),
    );
    const error = await expectCode(callerFor(admin.token).auth.me(), "UNAUTHORIZED");
    expect(error.message).toMatch(/expired/);
  });

  it("no token or a malformed one is UNAUTHORIZED", async () => {
    await expectCode(callerFor(null).auth.me(), "UNAUTHORIZED");
    await expectCode(callerFor("garbage").auth.me(), "UNAUTHORIZED");
    await expectCode(callerFor("iots_forged").auth.me(), "UNAUTHORIZED");
  });

  it("me lists the user's tenants and the permissions in the selected one", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const viewer = await signedInMember(admin, tenant.id, ["viewer"]);
    const me = await viewer.as().auth.me();
    expect(me.tenants).toEqual([{ id: tenant.id, name: tenant.name, group: "commons", profiles: ["viewer"] }]);
    expect(me.currentTenant?.permissions).toContain("devices:read");
    expect(me.currentTenant?.permissions).not.toContain("devices:write");
  });

  it("a password set by an admin ends the user's sessions and API keys", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin);
    const member = await signedInMember(admin, tenant.id, ["viewer"]);
    const key = await member.as(null).auth.createApiKey({ name: "mine" });
    await admin.as(tenant.id).users.update({ id: member.user.id, password: "a brand new password" });
    await expectCode(member.as().auth.me(), "UNAUTHORIZED");
    await expectCode(callerFor(key.token).auth.me(), "UNAUTHORIZED");
  });

  it("an account that joins a second tenant loses the credentials it had", async () => {
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin);
    const b = await newTenant(admin);
    const member = await signedInMember(admin, a.id, ["viewer"]);
    const key = await member.as(null).auth.createApiKey({ name: "made while in A only" });
    await admin.as().users.addProfile({ userId: member.user.id, tenantId: b.id, profile: "viewer" });
    await expectCode(member.as().auth.me(), "UNAUTHORIZED");
    await expectCode(callerFor(key.token).auth.me(), "UNAUTHORIZED");
  });
});
