// The tenant the console acts in travels as a cookie as well as the x-tenant-id header:
// the server then knows it when it renders a page, and can fetch the page's data (a
// dashboard's) with the HTML instead of after the browser has booted. Not a secret: every
// call still checks that the signed-in user is a member of it.
export const TENANT_COOKIE = "iot_tenant";

const YEAR = 365 * 86_400;

export function tenantCookie(id: string | null): string {
  return id
    ? `${TENANT_COOKIE}=${encodeURIComponent(id)}; Path=/; SameSite=Lax; Max-Age=${YEAR}`
    : `${TENANT_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0`;
}

/** The tenant in a Cookie header (or document.cookie), if any. */
export function tenantFromCookies(header: string): string | null {
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== TENANT_COOKIE) continue;
    const value = v.join("=");
    try {
      return value ? decodeURIComponent(value) : null;
    } catch {
      return null;
    }
  }
  return null;
}
