import { ensureMeasurePartitions } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember } from "../testkit";
import { deviceIn, twinWorld } from "../twins-kit";
import { handleMeasuresExport } from "./export";

const get = (url: string) => handleMeasuresExport(new Request(`http://localhost${url}`));

describe("measures CSV export", () => {
  it("streams a header and one column per value field; the link is signed, short-lived and tenant-bound", async () => {
    const world = await twinWorld();
    const fleet = await newTenant(world.admin, "asset_tracking");
    const api = (await signedInMember(world.admin, fleet.id, ["admin"])).as();
    const box = await api.assets.create({ model: "Container", reference: `x-${world.tag}` });
    const t = Date.now() - 60_000;
    await api.assets.measureIngest({
      assetId: box.id,
      measures: [
        {
          measuredAt: new Date(t),
          type: "position",
          name: "position",
          values: { position: { lat: 48.8, lon: 2.3 }, accuracy: 5 },
        },
        { measuredAt: new Date(t + 1000), type: "temperature", name: "temperature", values: { temperature: -18.5 } },
      ],
    });
    const link = await api.assets.exportMeasures({ assetId: box.id, from: new Date(t - 1000), to: new Date(t + 5000) });
    expect(link.url).toMatch(/^\/api\/export\/measures\?token=/);
    const res = await get(link.url);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("measured_at,name,type,position.lat,position.lon,altitude,accuracy,temperature,movement");
    expect(lines.slice(1)).toEqual([
      `${new Date(t).toISOString()},position,position,48.8,2.3,,5,,`,
      `${new Date(t + 1000).toISOString()},temperature,temperature,,,,,-18.5,`,
    ]);
    expect((await get(link.url.replace(/.$/, "x"))).status).toBe(401);
    expect((await get("/api/export/measures?token=nonsense")).status).toBe(401);
    await expectCode(
      world.tenantAdmin.as().assets.exportMeasures({ assetId: box.id, from: new Date(t), to: new Date(t + 1) }),
      "NOT_FOUND",
    );
  });

  it("streams a million rows in bounded memory", { timeout: 180_000 }, async () => {
    const world = await twinWorld();
    const device = await deviceIn(world, world.tenant.id);
    // a million seconds from the start of this month (fixed dates fall out of the partitions as time goes by)
    const now = new Date();
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    await withPlatform(
      async (db) => {
        await ensureMeasurePartitions(db, [new Date(start), new Date(start + 1_000_000_000)]);
        await db.$executeRaw`
        INSERT INTO measures (tenant_id, measured_at, type, name, values, origin_type, origin_id)
        SELECT ${world.tenant.id}::uuid, ${new Date(start)}::timestamptz + make_interval(secs => i), 'temperature', 'temperature',
               jsonb_build_object('temperature', (i % 400) / 10.0), 'device', ${device.id}::uuid
        FROM generate_series(0, 999999) AS i`;
      },
      { timeout: 120_000 },
    );
    const link = await world.tenantAdmin
      .as()
      .devices.exportMeasures({ deviceId: device.id, from: new Date(start), to: new Date(start + 2_000_000_000) });
    const res = await get(link.url);
    const reader = res.body?.getReader();
    if (!reader) throw new Error("no body");
    // bounded memory: the heap still in use (after a forced collection) while streaming
    // stays flat from 100,000 rows to 1,000,000; buffering would grow tenfold
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error("run with --expose-gc (vitest.config.ts sets it)");
    const retained = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const base = retained();
    const samples: number[] = [];
    let lines = 0;
    let bytes = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const b of value) if (b === 10) lines++;
      if (++chunks % 50 === 0) samples.push(retained() - base);
    }
    expect(lines).toBe(1_000_001);
    const early = samples[0] ?? 0;
    const worst = Math.max(...samples);
    console.log(
      `export: ${lines - 1} rows, ${(bytes / 1e6).toFixed(1)} MB streamed; heap retained +${(early / 1e6).toFixed(1)} MB at 100k rows, at most +${(worst / 1e6).toFixed(1)} MB, RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
    expect(worst).toBeLessThan(early + 20e6);
  });
});
