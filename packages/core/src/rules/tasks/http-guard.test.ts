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
    for (const a of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111", "100.128.0.1", "::ffff:8.8.8.8"])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it("refuses a URL that resolves to the platform's own network, before connecting", async () => {
    const fetch = guardedFetch(false);
    await expect(fetch("http://127.0.0.1:6379/")).rejects.toThrow(/127\.0\.0\.1, a private address/);
    await expect(fetch("http://localhost:5432/")).rejects.toThrow(/private address/);
    await expect(fetch("http://[::1]:80/")).rejects.toThrow(/private address/);
    await expect(fetch("http://[::ffff:127.0.0.1]:6379/")).rejects.toThrow(/private address/);
  });
});

describe("outgoing webhook redirects", () => {
  it("checks every hop: a redirect to a blocked address is refused, other redirects followed", async () => {
    const { createServer } = await import("node:http");
    const server = createServer((req, res) => {
      if (req.url === "/ok") return res.end("fine");
      res.statusCode = 302;
      res.setHeader("location", req.url === "/inside" ? "/ok" : "http://169.254.169.254/latest/meta-data/");
      res.end();
    });
    server.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      // the test server counts as public here; the metadata address does not
      const guarded = guardedFetch(false, (a) => a === "169.254.169.254");
      await expect(guarded(`${base}/away`)).rejects.toThrow(/169\.254\.169\.254, a private address/);
      expect(await (await guarded(`${base}/inside`)).text()).toBe("fine");
    } finally {
      server.close();
    }
  });
});
