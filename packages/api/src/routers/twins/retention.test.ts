import { applyRetention } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { twinWorld } from "../../twins-kit";

describe("measure retention", () => {
  it("trims what is past a tenant's limit and nothing else; tenants without a limit keep everything", async () => {
    const world = await twinWorld();
    await world.admin.as().tenants.update({ id: world.tenant.id, retentionDays: 30 });
    expect((await world.admin.as().tenants.get({ id: world.tenant.id })).settings?.retentionDays).toBe(30);
    const day = 86_400_000;
    const now = Date.now();
    const measures = [60, 31, 29, 1].map((d) => ({
      measuredAt: new Date(now - d * day),
      type: "co2",
      name: "co2",
      values: { co2: d },
    }));
    const mine = await world.tenantAdmin.as().assets.create({ model: "Room", reference: `ret-${world.tag}` });
    const theirs = await world.otherAdmin.as().assets.create({ model: "Room", reference: `ret-${world.tag}` });
    // stored before the limit was lowered
    await world.admin.as().tenants.update({ id: world.tenant.id, retentionDays: null });
    await world.tenantAdmin.as().assets.measureIngest({ assetId: mine.id, measures });
    await world.admin.as().tenants.update({ id: world.tenant.id, retentionDays: 30 });
    // and not accepted now that it is 30 days
    const refused = await world.tenantAdmin
      .as()
      .assets.measureIngest({
        assetId: mine.id,
        measures: [{ measuredAt: new Date(now - 40 * day), type: "co2", name: "co2", values: { co2: 40 } }],
      })
      .catch((e: Error) => e.message);
    expect(refused).toMatch(/older than this tenant keeps \(30 days\)/);
    await world.otherAdmin.as().assets.measureIngest({ assetId: theirs.id, measures });

    const report = await withPlatform((db) => applyRetention(db));
    expect(report.trimmed.find((t) => t.tenantId === world.tenant.id)?.measures).toBe(2);
    expect(report.trimmed.find((t) => t.tenantId === world.other.id)).toBeUndefined();

    const values = async (api: typeof world.tenantAdmin, assetId: string) => {
      const page = await api
        .as()
        .assets.getMeasures({ assetId, from: new Date(now - 90 * day), to: new Date(now + day), limit: 100 });
      return page.kind === "raw" ? page.items.map((m) => m.values.co2) : [];
    };
    expect(await values(world.tenantAdmin, mine.id)).toEqual([1, 29]);
    expect(await values(world.otherAdmin, theirs.id)).toEqual([1, 29, 31, 60]);
    // the daily rollups of what was trimmed went with it
    const rolled = await world.tenantAdmin.as().assets.getMeasures({
      assetId: mine.id,
      from: new Date(now - 90 * day),
      to: new Date(now + day),
      bucket: { seconds: 86_400 },
    });
    expect(rolled.kind === "buckets" && rolled.buckets.reduce((n, b) => n + b.count, 0)).toBe(2);
  });

  it("drops whole partitions that end before the cutoff, and only those", async () => {
    const dropped = await withPlatform(async (db) => {
      await db.$queryRaw`SELECT ensure_measure_partition('2001-01-01'::date)`;
      await db.$queryRaw`SELECT ensure_measure_partition('2001-02-01'::date)`;
      return (
        await db.$queryRaw<{ name: string }[]>`SELECT drop_measure_partitions_before('2001-02-01T00:00:00Z'::timestamptz) AS name`
      ).map((r) => r.name);
    });
    expect(dropped).toEqual(["measures_y2001m01"]);
    const left = await withPlatform(
      (db) => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'measures_y2001m02'`,
    );
    expect(left[0]?.n).toBe(1);
  });
});
