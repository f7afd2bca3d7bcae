import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember } from "../../testkit";
import { deviceIn, twinWorld } from "../../twins-kit";

describe("twins and tenants", () => {
  it("a new tenant gets its group's asset models and default assets", async () => {
    const world = await twinWorld();
    const fleet = await newTenant(world.admin, "asset_tracking");
    const models = await world.admin.as(fleet.id).models.listAssets({});
    expect(models.map((m) => m.model).sort()).toEqual(["Container", "Trailer"]);
    const lobby = await world.tenantAdmin.as().assets.get({ model: "Room", reference: "lobby" });
    expect(lobby.metadata).toEqual({ floor: 0 });
    expect((await world.tenantAdmin.as().assets.history({ assetId: lobby.id })).items[0]).toMatchObject({
      event: "created",
      actor: "system",
    });
  });

  it("deleting a tenant returns its devices to the catalog as orphans and removes its assets", async () => {
    const world = await twinWorld();
    const doomed = await newTenant(world.admin, "commons");
    const member = await signedInMember(world.admin, doomed.id, ["admin"]);
    const room = await member.as().assets.create({ model: "Room", reference: "r" });
    const device = await deviceIn(world, doomed.id);
    await member.as().devices.linkAsset({ deviceId: device.id, assetId: room.id });
    await world.admin.as().tenants.delete({ id: doomed.id });
    const orphan = await world.admin.as().devices.get({ id: device.id });
    expect(orphan).toMatchObject({
      tenantId: null,
      assetId: null,
      linkMeasures: [],
      metadata: { firmware: "1.0" },
      measures: {},
    });
    const orphans = await world.admin
      .as()
      .devices.search({ tenantId: "orphans", filter: { reference: { eq: device.reference } } });
    expect(orphans.items).toHaveLength(1);
    // the catalog can give it to another tenant
    await world.admin.as().devices.attachTenant({ deviceId: device.id, tenantId: world.tenant.id });
    expect((await world.tenantAdmin.as().devices.get({ id: device.id })).tenantId).toBe(world.tenant.id);
    await expectCode(world.admin.as(world.tenant.id).assets.get({ id: room.id }), "NOT_FOUND");
  });

  it("a member of tenant A gets nothing of tenant B's devices, assets, groups, history or group models", async () => {
    const world = await twinWorld();
    const a = world.tenantAdmin.as();
    const b = world.otherAdmin.as();
    const bAsset = await b.assets.create({ model: "Room", reference: "secret" });
    const bGroup = await b.assetGroups.create({ name: "B only" });
    const bDevice = await deviceIn(world, world.other.id);
    await b.devices.linkAsset({ deviceId: bDevice.id, assetId: bAsset.id });
    await expectCode(a.assets.get({ id: bAsset.id }), "NOT_FOUND");
    await expectCode(a.assets.get({ model: "Room", reference: "secret" }), "NOT_FOUND");
    await expectCode(a.assets.history({ assetId: bAsset.id }), "NOT_FOUND");
    await expectCode(a.assets.update({ id: bAsset.id, metadata: { floor: 9 } }), "NOT_FOUND");
    await expectCode(a.assets.delete({ id: bAsset.id }), "NOT_FOUND");
    await expectCode(a.devices.get({ id: bDevice.id }), "NOT_FOUND");
    await expectCode(a.devices.update({ id: bDevice.id, metadata: { gain: 1 } }), "NOT_FOUND");
    await expectCode(a.devices.delete({ id: bDevice.id }), "NOT_FOUND");
    await expectCode(a.devices.unlinkAsset({ deviceId: bDevice.id }), "NOT_FOUND");
    await expectCode(a.assetGroups.get({ id: bGroup.id }), "NOT_FOUND");
    await expectCode(a.assetGroups.addAssets({ groupId: bGroup.id, assetIds: [bAsset.id] }), "NOT_FOUND");
    expect((await a.assets.search({ filter: { text: "secret" } })).items).toEqual([]);
    expect((await a.devices.search({ filter: { reference: { eq: bDevice.reference } } })).items).toEqual([]);
    expect((await a.assetGroups.search({})).items.map((g) => g.name)).not.toContain("B only");
    // a tracking tenant's models are not a commons tenant's
    await newTenant(world.admin, "asset_tracking");
    await expectCode(a.models.getAsset({ model: "Trailer", tenantGroup: "asset_tracking" }), "NOT_FOUND");
  });
});
