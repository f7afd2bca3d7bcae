process.env.DATABASE_URL = "postgres://iot_app:iot_app@127.0.0.1:5432/iot_bench_dashboard";
process.env.DATABASE_OWNER_URL = "postgres://iot_owner:iot_owner@127.0.0.1:5432/iot_bench_dashboard";
const { withPlatform, withTenant, disconnect } = await import("@iot/db");
const { getMeasures, ZAssetMeasuresQuerySchema } = await import("@iot/core");
const tenant = await withPlatform((db) => db.tenant.findFirst({ select: { id: true } }));
const assets = await withPlatform((db) => db.asset.findMany({ where: { reference: { startsWith: "C-TEMP" } }, select: { id: true }, take: 10 }));
const now = Date.now();
const one = (id: string) => withTenant(tenant!.id, (db) => getMeasures(db, ZAssetMeasuresQuerySchema.parse({ assetId: id, from: new Date(now - 365 * 86400e3), to: new Date(now), bucket: { points: 225 }, names: ["temperature"] })));
for (let round = 0; round < 3; round++) {
  let t0 = performance.now();
  const r = await one(assets[0]!.id);
  const single = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(assets.map((a) => one(a.id)));
  console.log("single", single.toFixed(0), "ms; 10 in parallel", (performance.now() - t0).toFixed(0), "ms; buckets", (r as { buckets: unknown[] }).buckets.length, JSON.stringify(r).length, "bytes");
}
await disconnect();
