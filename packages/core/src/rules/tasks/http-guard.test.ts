import { describe, expect, it } from "vitest";
import { guardedFetch, isPrivateAddress } from "./http-guard";

describe("outgoing webhook guard", () => {
  it("knows private, loopback, link-local and metadata addresses from public ones", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111", "100.128.0.1"])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it("refuses a URL that resolves to the platform's own network, before connecting", async () => {
    const fetch = guardedFetch(false);
    await expect(fetch("http://127.0.0.1:6379/")).rejects.toThrow(/127\.0\.0\.1, a private address/);
    await expect(fetch("http://localhost:5432/")).rejects.toThrow(/private address/);
    await expect(fetch("http://[::1]:80/")).rejects.toThrow(/private address/);
  });
});
