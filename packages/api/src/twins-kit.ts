import { randomUUID } from "node:crypto";
import { newTenant, signedInMember, signedInPlatformAdmin } from "./testkit";

// Fixtures for twin tests: a platform admin, a device model with a unique name (models are
// platform-wide and test files run side by side), tenants of each group with an admin.

export async function twinWorld() {
  const admin = await signedInPlatformAdmin();
  const tag = randomUUID().slice(0, 6);
  const sensor = await admin.as().models.writeDevice({
    model: `Sensor-${tag}`,
    measures: [
      { name: "temperature", type: "temperature" },
      { name: "humidity", type: "humidity" },
      { name: "battery", type: "battery" },
    ],
    metadataMappings: { firmware: { type: "keyword" }, installedOn: { type: "date" }, gain: { type: "float" } },
    defaultMetadata: { firmware: "1.0" },
    offlineAfterSeconds: 600,
  });
  const tracker = await admin.as().models.writeDevice({
    model: `Tracker-${tag}`,
    measures: [
      { name: "position", type: "position" },
      { name: "temp", type: "temperature" },
    ],
  });
  const tenant = await newTenant(admin, "commons");
  const other = await newTenant(admin, "commons");
  const tenantAdmin = await signedInMember(admin, tenant.id, ["admin"]);
  const otherAdmin = await signedInMember(admin, other.id, ["admin"]);
  return { admin, tag, sensor, tracker, tenant, other, tenantAdmin, otherAdmin };
}

export async function deviceIn(
  world: Awaited<ReturnType<typeof twinWorld>>,
  tenantId: string | null,
  model = world.sensor.model,
) {
  return world.admin.as().devices.create({ model, reference: `dev-${randomUUID().slice(0, 8)}`, tenantId });
}
