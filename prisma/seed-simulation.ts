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
  createDashboard,
  createRule,
  getDecoder,
  hashToken,
  type Principal,
  linkAsset,
  simulatedReference,
} from "@iot/core";
import { type TenantDb, withPlatform, withTenant } from "@iot/db";

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

  await withTenant(tenant.id, (db) => seedDemoAutomation(db, tenant.group, opts.adminEmail));
  await writeIngestKey(tenant.id, opts);
}

/**
 * A dashboard over the simulated rooms and devices, and a rule to try (disabled: enable
 * it in the console, and an alert comes when a lab stays warm), made once.
 */
async function seedDemoAutomation(db: TenantDb, group: string, adminEmail: string) {
  const room = (reference: string) => ({ twin: { kind: "asset" as const, model: "Room", reference } });
  const temperature = (source: object, label: string, color: string) => ({
    source,
    measure: "temperature",
    field: "temperature",
    label,
    color,
  });
  const [taken] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM dashboards WHERE title = 'Lab rooms'`;
  if (!taken?.n)
    await createDashboard(
      db,
      {
        title: "Lab rooms",
        description: "The two lab rooms fed by the simulated Elsys sensors.",
        icon: "building",
        variables: [{ name: "room", label: "Room", kind: "asset", model: "Room", default: "lab-1" }],
        widgets: [
          {
            id: "temperature",
            type: "value",
            title: "Temperature",
            settings: {
              source: { variable: "room" },
              measure: "temperature",
              field: "temperature",
              unit: "°C",
              thresholds: [{ value: 24.5, color: "#dc2626" }],
            },
            layout: { x: 0, y: 0, w: 3, h: 4 },
          },
          {
            id: "humidity",
            type: "gauge",
            title: "Humidity",
            settings: { source: { variable: "room" }, measure: "humidity", field: "humidity", min: 0, max: 100, unit: "%" },
            layout: { x: 3, y: 0, w: 3, h: 4 },
          },
          {
            id: "temperatures",
            type: "chart",
            title: "Both labs",
            settings: {
              kind: "line",
              series: [temperature(room("lab-1"), "lab-1", "#4f46e5"), temperature(room("lab-2"), "lab-2", "#059669")],
              thresholds: [{ value: 24.5, color: "#dc2626", label: "warm" }],
            },
            layout: { x: 6, y: 0, w: 6, h: 8 },
          },
          {
            id: "rooms",
            type: "table",
            title: "Rooms",
            settings: {
              of: "assets",
              model: "Room",
              columns: [
                { kind: "reference" },
                { kind: "metadata", field: "floor" },
                { kind: "measure", measure: "temperature", field: "temperature" },
              ],
            },
            layout: { x: 0, y: 4, w: 6, h: 6 },
          },
          { id: "alerts", type: "alerts", title: "Alerts", settings: {}, layout: { x: 0, y: 10, w: 6, h: 5 } },
          { id: "trackers", type: "map", title: "Trackers", settings: { of: "devices" }, layout: { x: 6, y: 8, w: 6, h: 7 } },
        ],
        timeRange: { relative: "1h" },
        refresh: { mode: "live" },
      },
      { group, ownerId: null },
    );
  const [rule] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM rules WHERE name = 'Lab too warm'`;
  if (!rule?.n)
    await createRule(
      db,
      {
        name: "Lab too warm",
        description: `A lab above 24.5 °C for a minute raises an alert, cleared when it cools down; seeded for ${adminEmail} to try.`,
        enabled: false,
        trigger: { type: "event", event: "measures.processed", models: ["Room"] },
        condition: { field: "measure.values.temperature", op: "gt", value: 24.5 },
        holdsForSeconds: 60,
        autoClear: true,
        steps: [
          {
            task: "raiseAlert",
            args: { severity: "warning", message: "{{asset.reference}} is at {{measure.values.temperature}} °C" },
          },
        ],
      },
      { group, ownerId: null },
    );
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
