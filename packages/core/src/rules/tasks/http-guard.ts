import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

// Outgoing webhooks are written by tenants: without a guard, one could aim them at the
// platform's own network (Postgres, Redis, cloud metadata at 169.254.169.254). Addresses
// that are loopback, private, link-local, CGNAT, unique-local, multicast or unspecified
// are refused, however written (IPv4-mapped, -compatible and NAT64 IPv6 forms included),
// and so are redirects to them (each hop is checked), unless RULES_HTTP_ALLOW_PRIVATE=1
// (development, tests, an on-premise network on purpose). The check is on the resolved
// address; a DNS answer that changes between the check and the connection (rebinding) is
// not covered.

const blocked = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, bits, "ipv6");

/** The 8 groups of an IPv6 address (a trailing dotted IPv4 part converted). */
function groups(address: string): number[] {
  let a = address.toLowerCase().replace(/%.*$/, "");
  const dotted = a.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, -dotted[0].length)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? (a.split("::") as [string, string]) : [a, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16));
}

/** An IPv6 address that carries an IPv4 one (mapped, compatible, NAT64), as that IPv4 address. */
function embeddedV4(g: number[]): string | null {
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  const v4 = () => `${(g[6] as number) >> 8}.${(g[6] as number) & 255}.${(g[7] as number) >> 8}.${(g[7] as number) & 255}`;
  if (zeros(5) && g[5] === 0xffff) return v4(); // ::ffff:a.b.c.d
  if (zeros(6) && !(g[6] === 0 && (g[7] === 0 || g[7] === 1))) return v4(); // ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4(); // 64:ff9b::/96
  return null;
}

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) return blocked.check(address, "ipv4");
  if (isIP(address.replace(/%.*$/, "")) !== 6) return true; // not an address: refuse
  const g = groups(address);
  const v4 = embeddedV4(g);
  if (v4) return blocked.check(v4, "ipv4");
  return blocked.check(g.map((x) => x.toString(16)).join(":"), "ipv6");
}

async function assertPublic(url: URL, isBlocked: (address: string) => boolean): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const bad = addresses.find(isBlocked);
  if (bad) throw new Error(`${host} resolves to ${bad}, a private address: webhooks may only reach public addresses`);
}

const MAX_REDIRECTS = 5;

/** fetch, refusing URLs (and redirects) whose host resolves to a private address (unless allowed). */
export function guardedFetch(
  allowPrivate = process.env.RULES_HTTP_ALLOW_PRIVATE === "1",
  isBlocked: (address: string) => boolean = isPrivateAddress,
): typeof fetch {
  return async (input, init) => {
    if (allowPrivate) return fetch(input, init);
    let url = new URL(String(input instanceof Request ? input.url : input));
    let request: RequestInit = { ...init, redirect: "manual" };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await assertPublic(url, isBlocked);
      const res = await fetch(url, request);
      const location = res.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
      await res.body?.cancel();
      url = new URL(location, url);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && request.method === "POST"))
        request = { ...request, method: "GET", body: undefined };
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects`);
  };
}
