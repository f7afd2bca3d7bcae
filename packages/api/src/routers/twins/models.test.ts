import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInPlatformAdmin } from "../../testkit";
import { deviceIn, twinWorld } from "../../twins-kit";

describe("measure types and models", () => {
  it("lists the built-in measure types with JSON Schema, units and labels in en and fr", async () => {
    const admin = await signedInPlatformAdmin();
    const types = await admin.as().models.listMeasures();
    const names = types.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "temperature",
        "humidity",
        "position",
        "movement",
        "battery",
        "co2",
        "pressure",
        "power",
        "acceleration",
      ]),
    );
    const position = types.find((t) => t.name === "position");
    expect(position?.fields.altitude).toMatchObject({ kind: "number", unit: "m", required: false });
    expect(position?.labels.fr).toBe("Position");
    expect(position?.jsonSchema).toMatchObject({ type: "object", required: ["position"] });
  });

  it("adds a custom measure type at runtime, validated, and refuses changing a built-in", async () => {
    const admin = await signedInPlatformAdmin();
    const name = `noise${Date.now() % 100000}`;
    const noise = await admin
      .as()
      .models.writeMeasure({ name, fields: { level: { kind: "number", unit: "dB", min: 0 } }, labels: { en: "Noise" } });
    expect(noise.jsonSchema).toMatchObject({ properties: { level: { type: "number", minimum: 0 } } });
    const bad = await expectCode(
      admin.as().models.writeMeasure({ name: "x1", fields: { v: { kind: "color" as "number" } }, labels: { en: "X" } }),
      "BAD_REQUEST",
    );
    expect(bad.message).toMatch(/fields\.v\.kind/);
    await expectCode(
      admin.as().models.writeMeasure({ name: "temperature", fields: { t: { kind: "number" } }, labels: { en: "T" } }),
      "CONFLICT",
    );
  });

  it("refuses a device model with an unknown measure type or default metadata that does not fit", async () => {
    const admin = await signedInPlatformAdmin();
    const e1 = await expectCode(
      admin.as().models.writeDevice({ model: "Bad1", measures: [{ name: "t", type: "warmth" }] }),
      "BAD_REQUEST",
    );
    expect(e1.message).toMatch(/measures\.0\.type: unknown measure type "warmth"/);
    const e2 = await expectCode(
      admin.as().models.writeDevice({
        model: "Bad2",
        metadataMappings: { floor: { type: "integer" } },
        defaultMetadata: { floor: "first" },
      }),
      "BAD_REQUEST",
    );
    expect(e2.message).toMatch(/defaultMetadata\.floor/);
    const e3 = await expectCode(
      admin.as().models.writeDevice({
        model: "Bad3",
        measures: [
          { name: "a", type: "battery" },
          { name: "a", type: "battery" },
        ],
      }),
      "BAD_REQUEST",
    );
    expect(e3.message).toMatch(/unique/);
  });

  it("refuses deleting a model or a measure type in use, with the count", async () => {
    const world = await twinWorld();
    await deviceIn(world, null);
    await deviceIn(world, world.tenant.id);
    const e = await expectCode(world.admin.as().models.deleteDevice({ model: world.sensor.model }), "CONFLICT");
    expect(e.message).toMatch(/used by 2 device\(s\)/);
    const name = `custom${world.tag.replace(/-/g, "")}`.slice(0, 30);
    await world.admin.as().models.writeMeasure({ name, fields: { v: { kind: "number" } }, labels: { en: "C" } });
    await world.admin.as().models.writeDevice({ model: `Uses-${world.tag}`, measures: [{ name: "v", type: name }] });
    const m = await expectCode(world.admin.as().models.deleteMeasure({ name }), "CONFLICT");
    expect(m.message).toMatch(/used by 1 model/);
    await world.admin.as().models.deleteDevice({ model: `Uses-${world.tag}` });
    await world.admin.as().models.deleteMeasure({ name });
  });

  it("an asset model in use cannot be deleted (with the count); unused, it can", async () => {
    const world = await twinWorld();
    const model = `Kiosk${world.tag.replace(/-/g, "")}`;
    await world.admin.as().models.writeAsset({ tenantGroup: "commons", model, measures: [{ name: "power", type: "power" }] });
    expect((await world.tenantAdmin.as().models.getAsset({ model })).measures).toEqual([{ name: "power", type: "power" }]);
    expect((await world.tenantAdmin.as().models.getDevice({ model: world.sensor.model })).offlineAfterSeconds).toBe(600);
    const kiosk = await world.tenantAdmin.as().assets.create({ model, reference: "k-1" });
    await world.otherAdmin.as().assets.create({ model, reference: "k-2" });
    const refused = await expectCode(world.admin.as().models.deleteAsset({ tenantGroup: "commons", model }), "CONFLICT");
    expect(refused.message).toMatch(/used by 2 asset\(s\)/);
    await world.tenantAdmin.as().assets.delete({ id: kiosk.id });
    const other = await world.otherAdmin.as().assets.get({ model, reference: "k-2" });
    await world.otherAdmin.as().assets.delete({ id: other.id });
    await world.admin.as().models.deleteAsset({ tenantGroup: "commons", model });
    await expectCode(world.tenantAdmin.as().models.getAsset({ model }), "NOT_FOUND");
  });

  it("a tenant reads device models and its own group's asset models only; writing models is for platform admins", async () => {
    const world = await twinWorld();
    const models = await world.tenantAdmin.as().models.listDevices();
    expect(models.map((m) => m.model)).toContain(world.sensor.model);
    const assetModels = await world.tenantAdmin.as().models.listAssets({});
    expect(assetModels.map((m) => m.model)).toEqual(expect.arrayContaining(["Meter", "Room"]));
    expect(assetModels.every((m) => m.tenantGroup === "commons")).toBe(true);
    await expectCode(world.tenantAdmin.as().models.getAsset({ model: "Container" }), "NOT_FOUND");
    await expectCode(world.tenantAdmin.as().models.writeDevice({ model: "Mine", measures: [] }), "FORBIDDEN");
    await newTenant(world.admin, "asset_tracking");
    const container = await world.admin.as().models.getAsset({ model: "Container", tenantGroup: "asset_tracking" });
    expect(container.measures.map((s) => s.name)).toEqual(["position", "temperature", "movement"]);
  });
});

describe("decoders", () => {
  it("payloads.listDecoders gives each decoder's measures and webhook route to tenant users", async () => {
    const world = await twinWorld();
    const decoders = await world.tenantAdmin.as().payloads.listDecoders();
    expect(decoders.find((d) => d.action === "tts-elsys")).toMatchObject({
      deviceModel: "ElsysERS",
      route: "http://localhost:3001/api/payloads/tts-elsys",
      measures: expect.arrayContaining([{ name: "co2", type: "co2" }]),
    });
  });
});
