import { describe, expect, it } from "vitest";
import { tenantCookie, tenantFromCookies } from "./tenant-cookie";

describe("the tenant cookie", () => {
  it("carries the chosen tenant among other cookies, and clears it", () => {
    const id = "44347a4c-5600-4a30-b243-25a456740a84";
    const set = tenantCookie(id);
    expect(set).toMatch(/^iot_tenant=44347a4c-5600-4a30-b243-25a456740a84; Path=\/; SameSite=Lax; Max-Age=\d+$/);
    expect(tenantFromCookies(`iot_session=abc; ${set.split(";")[0]}; iot.theme=dark`)).toBe(id);
    expect(tenantCookie(null)).toContain("Max-Age=0");
    expect(tenantFromCookies("iot_tenant=; iot_session=abc")).toBeNull();
  });

  it("reads no tenant from a missing or malformed cookie", () => {
    expect(tenantFromCookies("")).toBeNull();
    expect(tenantFromCookies("iot_tenants=x; other=1")).toBeNull();
    expect(tenantFromCookies("iot_tenant=%E0%A4%A")).toBeNull();
  });
});
