import { onDomainEvent } from "@iot/core";
import { describe, expect, it } from "vitest";
import { expectCode } from "../../testkit";
import { deviceIn, twinWorld } from "../../twins-kit";

describe("linking devices to assets", () => {
  it("links implicitly by name and type, writes history and emits device.linked; unlink reverses it", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const linked: unknown[] = [];
    const off = onDomainEvent("device.linked", (e) => void linked.push(e.measures));
    const room = await api.assets.create({ model: "Room", reference: "link-1" });
    const device = await deviceIn(world, world.tenant.id);
    const link = await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    expect(link.measures).toEqual([
      { device: "temperature", asset: "temperature", type: "temperature" },
      { device: "humidity", asset: "humidity", type: "humidity" },
    ]);
    expect(linked).toEqual([
      [
        { device: "temperature", asset: "temperature" },
        { device: "humidity", asset: "humidity" },
      ],
    ]);
    const asset = await api.assets.get({ id: room.id });
    expect(asset.linkedDevices.map((d) => d.id)).toEqual([device.id]);
    await api.devices.unlinkAsset({ deviceId: device.id });
    await expectCode(api.devices.unlinkAsset({ deviceId: device.id }), "CONFLICT");
    const history = await api.assets.history({ assetId: room.id });
    expect(history.items.map((h) => h.event)).toEqual(["unlink", "link", "created"]);
    expect(history.items[1]?.details).toMatchObject({ deviceId: device.id, reference: device.reference });
    off();
  });

  it("feeds one asset from several devices of one type through different slots; a second device never takes a used slot", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    await world.admin.as().models.writeAsset({
      tenantGroup: "commons",
      model: `Freezer${world.tag.replace(/-/g, "")}`,
      measures: [
        { name: "inside", type: "temperature" },
        { name: "outside", type: "temperature" },
      ],
    });
    const freezer = await api.assets.create({ model: `Freezer${world.tag.replace(/-/g, "")}`, reference: "f-1" });
    const a = await deviceIn(world, world.tenant.id);
    const b = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({
      deviceId: a.id,
      assetId: freezer.id,
      measureNames: [{ device: "temperature", asset: "inside" }],
    });
    const taken = await expectCode(
      api.devices.linkAsset({ deviceId: b.id, assetId: freezer.id, measureNames: [{ device: "temperature", asset: "inside" }] }),
      "CONFLICT",
    );
    expect(taken.message).toMatch(/slot "inside" .* already fed by device/);
    await api.devices.linkAsset({
      deviceId: b.id,
      assetId: freezer.id,
      measureNames: [{ device: "temperature", asset: "outside" }],
    });
    const asset = await api.assets.get({ id: freezer.id });
    expect(
      asset.linkedDevices.flatMap((d) => d.linkMeasures.map((m) => `${d.id === a.id ? "a" : "b"}:${m.asset}`)).sort(),
    ).toEqual(["a:inside", "b:outside"]);
  });

  it("refuses, with a clear message: another tenant's device, a device linked elsewhere, a name not in a model, types that differ", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: "refusals" });
    const other = await api.assets.create({ model: "Room", reference: "refusals-2" });
    const foreign = await deviceIn(world, world.other.id);
    const orphan = await deviceIn(world, null);
    const mine = await deviceIn(world, world.tenant.id);
    const tracker = await deviceIn(world, world.tenant.id, world.tracker.model);

    expect((await expectCode(api.devices.linkAsset({ deviceId: foreign.id, assetId: room.id }), "NOT_FOUND")).message).toMatch(
      /device in this tenant/,
    );
    await expectCode(api.devices.linkAsset({ deviceId: orphan.id, assetId: room.id }), "NOT_FOUND");
    await api.devices.linkAsset({ deviceId: mine.id, assetId: room.id });
    expect((await expectCode(api.devices.linkAsset({ deviceId: mine.id, assetId: other.id }), "CONFLICT")).message).toMatch(
      /already linked to another asset/,
    );
    const notInDevice = await expectCode(
      api.devices.linkAsset({
        deviceId: tracker.id,
        assetId: other.id,
        measureNames: [{ device: "pressure", asset: "temperature" }],
      }),
      "BAD_REQUEST",
    );
    expect(notInDevice.message).toMatch(/measure "pressure" is not in device model/);
    const notInAsset = await expectCode(
      api.devices.linkAsset({ deviceId: tracker.id, assetId: other.id, measureNames: [{ device: "temp", asset: "attic" }] }),
      "BAD_REQUEST",
    );
    expect(notInAsset.message).toMatch(/slot "attic" is not in asset model Room/);
    const differ = await expectCode(
      api.devices.linkAsset({ deviceId: tracker.id, assetId: other.id, measureNames: [{ device: "temp", asset: "humidity" }] }),
      "BAD_REQUEST",
    );
    expect(differ.message).toMatch(/types differ: device measure "temp" is temperature, asset slot "humidity" is humidity/);
    const noMatch = await expectCode(api.devices.linkAsset({ deviceId: tracker.id, assetId: other.id }), "BAD_REQUEST");
    expect(noMatch.message).toMatch(/give measureNames/);
    // an explicit mapping across names works
    const ok = await api.devices.linkAsset({
      deviceId: tracker.id,
      assetId: other.id,
      measureNames: [{ device: "temp", asset: "temperature" }],
    });
    expect(ok.measures).toEqual([{ device: "temp", asset: "temperature", type: "temperature" }]);
  });

  it("deleting a linked device unlinks it first and writes the asset's history; detaching takes it back to the catalog unlinked", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: "cascade" });
    const one = await deviceIn(world, world.tenant.id);
    const two = await deviceIn(world, world.tenant.id, world.tracker.model);
    await api.devices.linkAsset({ deviceId: one.id, assetId: room.id });
    await api.devices
      .linkAsset({ deviceId: two.id, assetId: room.id, measureNames: [{ device: "temp", asset: "temperature" }] })
      .catch(() => undefined);
    await api.devices.delete({ id: one.id });
    await api.devices.linkAsset({ deviceId: two.id, assetId: room.id, measureNames: [{ device: "temp", asset: "temperature" }] });
    await world.admin.as().devices.detachTenant({ deviceId: two.id });
    const back = await world.admin.as().devices.get({ id: two.id });
    expect(back).toMatchObject({ tenantId: null, assetId: null, linkMeasures: [] });
    await expectCode(api.devices.get({ id: two.id }), "NOT_FOUND");
    const events = (await api.assets.history({ assetId: room.id })).items.map((h) => `${h.event}:${h.details.deviceId ?? ""}`);
    expect(events).toEqual([`unlink:${two.id}`, `link:${two.id}`, `unlink:${one.id}`, `link:${one.id}`, "created:"]);
  });
});
