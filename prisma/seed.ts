// The demo seed, run by `npm start` (and safe to run again): the first platform admin
// from ADMIN_EMAIL / ADMIN_PASSWORD, two demo tenants with a member each, demo device
// models, devices in each tenant and in the catalog, assets, and links between them.
import {
  ZDeviceModelSchema,
  createAsset,
  createDevice,
  createTenant,
  ensureDecoderModels,
  ensureGroupAssetModels,
  hashPassword,
  linkAsset,
  listTenantGroups,
  writeDeviceModel,
} from "@iot/core";
import { disconnect, withPlatform, withTenant } from "@iot/db";
import { seedSimulation } from "./seed-simulation";

const ADMIN_EMAIL = (process.env.ADMIN_EMAIL ?? "admin@example.com").toLowerCase();
const ADMIN_PASSWORD = process.env.ADMIN_PASSWORD ?? "change-me-admin";
const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "demo-password";

const demoTenants = [
  {
    name: "Demo Buildings",
    group: "commons",
    member: { email: "operator@example.com", name: "Olivia Operator", profiles: ["editor"] },
  },
  {
    name: "Demo Fleet",
    group: "asset_tracking",
    member: { email: "dispatch@example.com", name: "Dan Dispatcher", profiles: ["dispatcher"] },
  },
];

await withPlatform(async (db) => {
  const admin = await db.user.findUnique({ where: { email: ADMIN_EMAIL }, select: { id: true } });
  if (!admin) {
    await db.user.create({
      data: {
        email: ADMIN_EMAIL,
        name: "Platform Admin",
        passwordHash: await hashPassword(ADMIN_PASSWORD),
        isPlatformAdmin: true,
      },
    });
    console.log(`seed: platform admin ${ADMIN_EMAIL} created`);
  }
  for (const demo of demoTenants) {
    const existing = await db.tenant.findUnique({ where: { name: demo.name }, select: { id: true } });
    const tenant = existing ?? (await createTenant(db, { name: demo.name, group: demo.group }));
    if (!existing) console.log(`seed: tenant ${demo.name} (${demo.group}) created`);
    const user =
      (await db.user.findUnique({ where: { email: demo.member.email }, select: { id: true } })) ??
      (await db.user.create({
        data: { email: demo.member.email, name: demo.member.name, passwordHash: await hashPassword(DEMO_PASSWORD) },
        select: { id: true },
      }));
    await db.membership.upsert({
      where: { tenantId_userId: { tenantId: tenant.id, userId: user.id } },
      create: { tenantId: tenant.id, userId: user.id, profiles: demo.member.profiles },
      update: {},
    });
  }
});
// Twins: device models, devices (two orphans stay in the catalog), assets and links.
const deviceModels = [
  ZDeviceModelSchema.parse({
    model: "DemoSensor",
    measures: [
      { name: "temperature", type: "temperature" },
      { name: "humidity", type: "humidity" },
      { name: "co2", type: "co2" },
      { name: "battery", type: "battery" },
    ],
    metadataMappings: { firmware: { type: "keyword" } },
    defaultMetadata: { firmware: "1.4.2" },
    offlineAfterSeconds: 900,
  }),
  ZDeviceModelSchema.parse({
    model: "DemoTracker",
    measures: [
      { name: "position", type: "position" },
      { name: "temperature", type: "temperature" },
      { name: "battery", type: "battery" },
    ],
    offlineAfterSeconds: 3600,
  }),
];
const twins = [
  {
    tenant: "Demo Buildings",
    model: "DemoSensor",
    count: 4,
    assets: [{ model: "Room", reference: "meeting-1", metadata: { building: "HQ", floor: 1, area: 24 } }],
  },
  {
    tenant: "Demo Fleet",
    model: "DemoTracker",
    count: 4,
    assets: [{ model: "Container", reference: "MSKU-100001", metadata: { owner: "Maersk", size: "40ft" } }],
  },
];
const tenantsByName = await withPlatform(async (db) => {
  for (const group of listTenantGroups()) await ensureGroupAssetModels(db, group);
  await ensureDecoderModels(db);
  for (const model of deviceModels) {
    if (!(await db.deviceModel.findUnique({ where: { model: model.model } }))) await writeDeviceModel(db, model);
  }
  return new Map((await db.tenant.findMany({ select: { id: true, name: true, group: true } })).map((t) => [t.name, t]));
});
for (const plan of twins) {
  const tenant = tenantsByName.get(plan.tenant);
  if (!tenant) continue;
  const prefix = plan.model === "DemoSensor" ? "sensor" : "tracker";
  const devices = await withPlatform(async (db) => {
    const ids: string[] = [];
    for (let i = 1; i <= plan.count + 1; i++) {
      const reference = `${prefix}-${String(i).padStart(3, "0")}`;
      const existing = await db.device.findUnique({
        where: { model_reference: { model: plan.model, reference } },
        select: { id: true },
      });
      // the last one of each kind stays an orphan in the catalog
      ids.push(
        existing?.id ??
          (await createDevice(db, { model: plan.model, reference, metadata: {}, tenantId: i <= plan.count ? tenant.id : null }))
            .id,
      );
    }
    return ids;
  });
  await withTenant(tenant.id, async (db) => {
    for (const asset of plan.assets) {
      const existing = await db.asset.findUnique({
        where: { tenantId_model_reference: { tenantId: tenant.id, model: asset.model, reference: asset.reference } },
        select: { id: true },
      });
      const assetId = existing?.id ?? (await createAsset(db, tenant.group, asset, "seed")).id;
      const first = devices[0];
      if (first && !(await db.device.findFirst({ where: { id: first, assetId } }))) {
        await linkAsset(db, tenant.group, { deviceId: first, assetId }, "seed");
      }
    }
  });
}

await seedSimulation({
  tenantName: "Demo Buildings",
  adminEmail: ADMIN_EMAIL,
  ingestUrl: process.env.INGEST_URL ?? `http://127.0.0.1:${process.env.INGEST_PORT ?? 3001}`,
});

await disconnect();
console.log(`seed: done. Sign in at http://localhost:3000 as ${ADMIN_EMAIL}`);
