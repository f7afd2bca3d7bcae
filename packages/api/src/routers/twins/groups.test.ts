import { describe, expect, it } from "vitest";
import { expectCode } from "../../testkit";
import { twinWorld } from "../../twins-kit";

describe("asset groups", () => {
  it("builds a tree, refuses cycles and deleting a parent, and holds assets", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const site = await api.assetGroups.create({ name: "Site" });
    const floor = await api.assetGroups.create({ name: "Floor 1", parentId: site.id });
    const wing = await api.assetGroups.create({ name: "East wing", parentId: floor.id });
    expect((await api.assetGroups.search({ parentId: site.id })).items.map((g) => g.name)).toEqual(["Floor 1"]);
    const cycle = await expectCode(api.assetGroups.update({ id: site.id, parentId: wing.id }), "BAD_REQUEST");
    expect(cycle.message).toMatch(/cycle|inside itself/);
    await expectCode(api.assetGroups.update({ id: site.id, parentId: site.id }), "BAD_REQUEST");
    await expectCode(api.assetGroups.create({ name: "Site" }), "CONFLICT");
    expect((await expectCode(api.assetGroups.delete({ id: site.id }), "CONFLICT")).message).toMatch(/1 child group/);

    const a = await api.assets.create({ model: "Room", reference: "g-a" });
    const b = await api.assets.create({ model: "Room", reference: "g-b" });
    expect((await api.assetGroups.addAssets({ groupId: wing.id, assetIds: [a.id, b.id] })).assets).toBe(2);
    expect((await api.assets.search({ groupId: wing.id })).items.map((x) => x.reference)).toEqual(["g-a", "g-b"]);
    expect((await api.assets.get({ id: a.id })).groups).toEqual([{ id: wing.id, name: "East wing" }]);
    expect((await api.assetGroups.removeAssets({ groupId: wing.id, assetIds: [a.id] })).assets).toBe(1);
    // moving a subtree elsewhere is fine
    const moved = await api.assetGroups.update({ id: wing.id, parentId: site.id });
    expect(moved.parentId).toBe(site.id);
    await api.assetGroups.delete({ id: floor.id });
    await expectCode(api.assetGroups.get({ id: floor.id }), "NOT_FOUND");
  });

  it("refuses assets of another tenant in a group", async () => {
    const world = await twinWorld();
    const group = await world.tenantAdmin.as().assetGroups.create({ name: "Mine" });
    const theirs = await world.otherAdmin.as().assets.create({ model: "Room", reference: "theirs" });
    await expectCode(world.tenantAdmin.as().assetGroups.addAssets({ groupId: group.id, assetIds: [theirs.id] }), "NOT_FOUND");
  });
});
