// The demo seed, run by `npm start` (and safe to run again): the first platform admin
// from ADMIN_EMAIL / ADMIN_PASSWORD, and two demo tenants with a member each.
import { createTenant, hashPassword } from "@iot/core";
import { disconnect, withPlatform } from "@iot/db";

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
await disconnect();
console.log(`seed: done. Sign in at http://localhost:3000 as ${ADMIN_EMAIL}`);
