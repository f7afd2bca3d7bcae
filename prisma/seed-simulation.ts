// The demo's simulated devices: the ones `npm start`'s gentle simulation posts for exist in
// Demo Buildings, two of them linked to rooms so its dashboards move, and an ingest key
// for that tenant is written to .demo/ingest-key.json, where the simulator and the README
// find it. Safe to run again: a key that still works is kept.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  SIMULATED_ACTIONS,
  createApiKey,
  createAsset,
  getDecoder,
  hashToken,
  type Principal,
  linkAsset,
  simulatedReference,
} from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";

export const DEMO_KEY_FILE =
  process.env.DEMO_KEY_FILE ?? resolve(dirname(fileURLToPath(import.meta.url)), "..", ".demo", "ingest-key.json");
/** What `npm start` simulates: device i posts through SIMULATED_ACTIONS[i % 4]. */
export const GENTLE_SIMULATION = { devices: 8, rate: 2 };

export async function seedSimulation(opts: { tenantName: string; adminEmail: string; ingestUrl: string }) {
  const tenant = await withPlatform((db) =>
    db.tenant.findUnique({ where: { name: opts.tenantName }, select: { id: true, group: true } }),
  );
  if (!tenant) return;

  // the simulated devices, in the tenant
  const references = Array.from({ length: GENTLE_SIMULATION.devices }, (_, i) => {
    const action = SIMULATED_ACTIONS[i % SIMULATED_ACTIONS.length] as string;
    return { action, reference: simulatedReference(action, Math.floor(i / SIMULATED_ACTIONS.length)) };
  });
  const ids = await withPlatform(async (db) => {
    const byReference = new Map<string, string>();
    for (const { action, reference } of references) {
      const model = getDecoder(action)?.deviceModel as string;
      const device =
        (await db.device.findUnique({ where: { model_reference: { model, reference } }, select: { id: true } })) ??
        (await db.device.create({ data: { model, reference, tenantId: tenant.id }, select: { id: true } }));
      byReference.set(`${action}/${reference}`, device.id);
    }
    return byReference;
  });

  // the first Elsys sensors of each network server feed two rooms
  const rooms = [
    { action: "tts-elsys", asset: { model: "Room", reference: "lab-1", metadata: { building: "HQ", floor: 2, area: 40 } } },
    {
      action: "chirpstack-elsys",
      asset: { model: "Room", reference: "lab-2", metadata: { building: "HQ", floor: 2, area: 32 } },
    },
  ];
  await withTenant(tenant.id, async (db) => {
    for (const room of rooms) {
      const deviceId = ids.get(`${room.action}/${simulatedReference(room.action, 0)}`);
      const existing = await db.asset.findUnique({
        where: { tenantId_model_reference: { tenantId: tenant.id, model: room.asset.model, reference: room.asset.reference } },
        select: { id: true },
      });
      const assetId = existing?.id ?? (await createAsset(db, tenant.group, room.asset, "seed")).id;
      if (deviceId && !(await db.device.findFirst({ where: { id: deviceId, assetId } })))
        await linkAsset(db, tenant.group, { deviceId, assetId }, "seed");
    }
  });

  await writeIngestKey(tenant.id, opts);
}

async function writeIngestKey(tenantId: string, opts: { tenantName: string; adminEmail: string; ingestUrl: string }) {
  if (existsSync(DEMO_KEY_FILE)) {
    const saved = JSON.parse(readFileSync(DEMO_KEY_FILE, "utf8")) as { key?: string; tenantId?: string };
    const alive = saved.key
      ? await withPlatform((db) =>
          db.apiKey.findFirst({ where: { tokenHash: hashToken(saved.key as string), tenantId, revokedAt: null } }),
        )
      : null;
    if (alive) return;
  }
  const key = await withPlatform(async (db) => {
    const admin = await db.user.findUniqueOrThrow({ where: { email: opts.adminEmail }, select: { id: true } });
    // the seed acts as the platform admin it created, signed in (not through a key)
    const asAdmin = { userId: admin.id, isPlatformAdmin: true, sessionId: null, apiKey: null } as unknown as Principal;
    return createApiKey(db, asAdmin, {
      name: "demo simulator (seed)",
      tenantId,
      permissions: ["payloads:write"],
    });
  });
  mkdirSync(dirname(DEMO_KEY_FILE), { recursive: true });
  writeFileSync(
    DEMO_KEY_FILE,
    `${JSON.stringify({ key: key.token, tenant: opts.tenantName, tenantId, ingestUrl: opts.ingestUrl }, null, 2)}\n`,
    { mode: 0o600 },
  );
  console.log(`seed: ingest key for ${opts.tenantName} written to ${DEMO_KEY_FILE}`);
}
