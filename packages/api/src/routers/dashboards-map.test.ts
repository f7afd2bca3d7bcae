import { withTenant } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";

// The map widget's markers: twins with a last position, their colour value or worst active
// alert, only the caller's tenant's, and nothing for twins without a usable position.

const position = (lat: number, lon: number) => ({
  measuredAt: new Date(),
  type: "position",
  name: "position",
  values: { position: { lat, lon } },
});

describe("dashboards.mapPoints", () => {
  it("gives every positioned twin of the tenant with its colour value and worst active alert", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin, "asset_tracking");
    const other = await newTenant(admin, "asset_tracking");
    const api = admin.as(tenant.id);

    const north = await api.assets.create({ model: "Container", reference: "c-north" });
    const south = await api.assets.create({ model: "Container", reference: "c-south" });
    await api.assets.create({ model: "Container", reference: "c-nowhere" });
    await api.assets.measureIngest({
      assetId: north.id,
      measures: [
        position(48.85, 2.35),
        { ...position(0, 0), type: "temperature", name: "temperature", values: { temperature: 7.5 } },
      ],
    });
    await api.assets.measureIngest({ assetId: south.id, measures: [position(-33.9, 18.4)] });
    const trackerModel = `MapTracker${tenant.id.slice(0, 8)}`;
    await admin.as().models.writeDevice({ model: trackerModel, measures: [{ name: "position", type: "position" }] });
    const tracker = await api.devices.create({ model: trackerModel, reference: "gt-1", tenantId: tenant.id });
    await api.devices.receiveMeasures({ deviceId: tracker.id, measures: [position(45.76, 4.83)] });
    // a warning and a critical alert on the north container; a cleared one on the south
    await withTenant(
      tenant.id,
      (db) =>
        db.$executeRaw`
        INSERT INTO alerts (tenant_id, rule_name, twin_kind, twin_id, twin_model, twin_reference, severity, message, status)
        VALUES (${tenant.id}::uuid, 'a', 'asset', ${north.id}::uuid, 'Container', 'c-north', 'warning', 'warm', 'active'),
               (${tenant.id}::uuid, 'b', 'asset', ${north.id}::uuid, 'Container', 'c-north', 'critical', 'hot', 'active'),
               (${tenant.id}::uuid, 'c', 'asset', ${south.id}::uuid, 'Container', 'c-south', 'critical', 'gone', 'cleared')`,
    );

    const byAlerts = await api.dashboards.mapPoints({ of: "both" });
    expect(byAlerts.references).toEqual(["c-north", "c-south", "gt-1"]);
    expect(byAlerts.kinds).toEqual(["asset", "asset", "device"]);
    expect(byAlerts.lat).toEqual([48.85, -33.9, 45.76]);
    expect(byAlerts.lon).toEqual([2.35, 18.4, 4.83]);
    expect(byAlerts.severities).toEqual([3, 0, 0]);
    expect(byAlerts.ids).toEqual([north.id, south.id, tracker.id]);
    expect(byAlerts.truncated).toBe(false);

    const byTemperature = await api.dashboards.mapPoints({
      of: "assets",
      model: "Container",
      colorBy: { kind: "measure", measure: "temperature", field: "temperature", thresholds: [] },
    });
    expect(byTemperature.references).toEqual(["c-north", "c-south"]);
    expect(byTemperature.values).toEqual([7.5, null]);

    expect((await api.dashboards.mapPoints({ of: "devices", model: "Container" })).ids).toEqual([]);
    // another tenant's map has none of these
    expect((await admin.as(other.id).dashboards.mapPoints({ of: "both" })).ids).toEqual([]);
  });

  it("refuses bad settings with the field named; a viewer sees the map", async () => {
    const admin = await signedInPlatformAdmin();
    const tenant = await newTenant(admin, "asset_tracking");
    const api = admin.as(tenant.id);
    const error = await expectCode(
      api.dashboards.mapPoints({ of: "both", position: { measure: "position", field: "1bad" } }),
      "BAD_REQUEST",
    );
    expect(JSON.stringify(error.cause)).toContain("field");
    const viewer = await signedInMember(admin, tenant.id, ["viewer"]);
    // a viewer reads twins: the same map works for it
    expect((await viewer.as().dashboards.mapPoints({ of: "assets" })).ids).toEqual([]);
  });
});
