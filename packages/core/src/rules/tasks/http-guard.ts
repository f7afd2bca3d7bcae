import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

// Outgoing webhooks are written by tenants: without a guard, one could aim them at the
// platform's own network (Postgres, Redis, cloud metadata at 169.254.169.254). Addresses
// that are loopback, private, link-local, CGNAT, unique-local or unspecified are refused,
// unless RULES_HTTP_ALLOW_PRIVATE=1 (development, tests, an on-premise network on purpose).
// The check is on the resolved address; a DNS answer that changes between the check and
// the connection (rebinding) is not covered.

const V4_BLOCKS: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 CGNAT
  [0x7f000000, 8], // 127/8
  [0xa9fe0000, 16], // 169.254/16 link-local, cloud metadata
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved
];

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 4) {
    const n = address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
    return V4_BLOCKS.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
  }
  const a = address.toLowerCase();
  if (a.startsWith("::ffff:")) return isPrivateAddress(a.slice(7));
  return (
    a === "::" ||
    a === "::1" ||
    a.startsWith("fc") ||
    a.startsWith("fd") ||
    a.startsWith("fe8") ||
    a.startsWith("fe9") ||
    a.startsWith("fea") ||
    a.startsWith("feb") ||
    a.startsWith("ff")
  );
}

/** fetch, refusing URLs whose host resolves to a private address (unless allowed). */
export function guardedFetch(allowPrivate = process.env.RULES_HTTP_ALLOW_PRIVATE === "1"): typeof fetch {
  return async (input, init) => {
    if (!allowPrivate) {
      const host = new URL(String(input instanceof Request ? input.url : input)).hostname.replace(/^\[|\]$/g, "");
      const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      const blocked = addresses.find(isPrivateAddress);
      if (blocked) throw new Error(`${host} resolves to ${blocked}, a private address: webhooks may only reach public addresses`);
    }
    return fetch(input, init);
  };
}
