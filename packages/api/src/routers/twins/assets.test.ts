import { randomUUID } from "node:crypto";
import { onDomainEvent } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode } from "../../testkit";
import { twinWorld } from "../../twins-kit";

describe("assets", () => {
  it("creates with the model's defaults, refuses unknown models, duplicates and metadata that does not fit", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: "r-101", metadata: { floor: 1, building: "A" } });
    expect(room).toMatchObject({
      model: "Room",
      reference: "r-101",
      metadata: { floor: 1, building: "A" },
      linkedDevices: [],
      groups: [],
    });
    expect((await api.assets.get({ model: "Room", reference: "r-101" })).id).toBe(room.id);
    await expectCode(api.assets.create({ model: "Room", reference: "r-101" }), "CONFLICT");
    await expectCode(api.assets.create({ model: "Container", reference: "c-1" }), "NOT_FOUND");
    const bad = await expectCode(
      api.assets.create({ model: "Room", reference: "r-102", metadata: { floor: 1.5 } }),
      "BAD_REQUEST",
    );
    expect(bad.message).toMatch(/metadata\.floor/);
  });

  it("update merges and replaceMetadata replaces; each change is in the history with the fields changed", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const events: string[][] = [];
    const off = onDomainEvent("asset.updated", (e) => void events.push(e.changed));
    const room = await api.assets.create({ model: "Room", reference: "hist", metadata: { floor: 2 } });
    await api.assets.update({ id: room.id, metadata: { building: "B" } });
    await api.assets.update({ id: room.id, metadata: { building: "B" } }); // no change, no entry
    const replaced = await api.assets.replaceMetadata({ id: room.id, metadata: { area: 30 } });
    expect(replaced.metadata).toEqual({ area: 30 });
    const history = await api.assets.history({ assetId: room.id });
    expect(history.items.map((h) => [h.event, h.details.changed ?? null])).toEqual([
      ["metadata", ["area", "building", "floor"]],
      ["metadata", ["building"]],
      ["created", null],
    ]);
    expect(history.items[0]?.actor).toBe(world.tenantAdmin.user.email);
    expect(events).toEqual([["building"], ["area", "building", "floor"]]);
    off();
  });

  it("null clears a field, in an update and in a replacement; a field the model dropped can be cleared", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: "nulls", metadata: { floor: 1, building: "A", area: 5 } });
    expect((await api.assets.update({ id: room.id, metadata: { building: null } })).metadata).toEqual({ floor: 1, area: 5 });
    expect((await api.assets.replaceMetadata({ id: room.id, metadata: { floor: 2, area: null } })).metadata).toEqual({
      floor: 2,
    });
    const found = await api.assets.search({
      filter: { and: [{ reference: { eq: "nulls" } }, { metadata: { field: "area", op: "exists", value: false } }] },
    });
    expect(found.items).toHaveLength(1);
    // a field left over from an older model does not block updates, and null removes it
    await withPlatform((db) => db.asset.update({ where: { id: room.id }, data: { metadata: { floor: 2, legacy: "x" } } }));
    expect((await api.assets.update({ id: room.id, metadata: { floor: 3 } })).metadata).toEqual({ floor: 3 });
    await withPlatform((db) => db.asset.update({ where: { id: room.id }, data: { metadata: { floor: 3, legacy: "x" } } }));
    expect((await api.assets.update({ id: room.id, metadata: { legacy: null } })).metadata).toEqual({ floor: 3 });
  });

  it("searches with the filter language: model, metadata comparisons, text, last-seen, and/or/not, sorted and paged", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    for (let i = 1; i <= 6; i++) {
      await api.assets.create({
        model: i % 2 ? "Room" : "Meter",
        reference: `s-${i}`,
        metadata: i % 2 ? { floor: i, building: i < 4 ? "North" : "South" } : { circuit: `c${i}` },
      });
    }
    await withPlatform((db) =>
      db.asset.updateMany({
        where: { tenantId: world.tenant.id, reference: { in: ["s-1", "s-5"] } },
        data: { lastSeenAt: new Date() },
      }),
    );
    const refs = async (filter: object, sort?: { field: "reference" | "lastSeenAt"; order: "asc" | "desc" }) =>
      (await api.assets.search({ filter: filter as never, sort, limit: 100 })).items.map((a) => a.reference);
    expect(await refs({ model: "Meter" })).toEqual(["s-2", "s-4", "s-6"]);
    expect(await refs({ metadata: { field: "floor", op: "gt", value: 2 } })).toEqual(["s-3", "s-5"]);
    expect(
      await refs({ and: [{ model: "Room" }, { not: { metadata: { field: "building", op: "eq", value: "North" } } }] }),
    ).toEqual(["lobby", "s-5"]);
    expect(
      await refs({ or: [{ metadata: { field: "circuit", op: "in", value: ["c2", "c6"] } }, { reference: { eq: "s-3" } }] }),
    ).toEqual(["s-2", "s-3", "s-6"]);
    expect(await refs({ text: "south" })).toEqual(["s-5"]);
    expect(await refs({ metadata: { field: "circuit", op: "exists", value: true } })).toEqual(["s-2", "s-4", "s-6"]);
    expect(await refs({ lastSeen: { never: true } })).toHaveLength(5); // the default lobby asset too
    const bySeen = await refs({ model: "Room" }, { field: "lastSeenAt", order: "desc" });
    expect(bySeen.slice(0, 2).sort()).toEqual(["s-1", "s-5"]);
    const bad = await expectCode(
      api.assets.search({ filter: { metadata: { field: "floor; drop", op: "eq", value: 1 } } as never }),
      "BAD_REQUEST",
    );
    expect(bad.message).toMatch(/filter/);
  });

  it("pages through many assets with a cursor, every asset once", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const csv = [
      "model,reference,metadata.floor",
      ...Array.from({ length: 120 }, (_, i) => `Room,p-${String(i).padStart(3, "0")},${i % 7}`),
    ].join("\n");
    expect((await api.assets.importCsv({ csv })).created).toBe(120);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.assets.search({
        filter: { reference: { prefix: "p-" } },
        sort: { field: "lastSeenAt", order: "desc" },
        limit: 25,
        cursor,
      });
      seen.push(...page.items.map((a) => a.reference));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
  });

  it("sorts by a metadata field or a last measure's value, as numbers, twins without it last, page after page", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    // floors 10, 9, 2 and none: as text "9" would come after "10"
    const rooms = [
      ["q-a", 10, 21.5],
      ["q-b", 9, undefined],
      ["q-c", 2, 19],
      ["q-d", undefined, 30.25],
    ] as const;
    for (const [reference, floor, temperature] of rooms) {
      const room = await api.assets.create({ model: "Room", reference, metadata: floor === undefined ? {} : { floor } });
      if (temperature !== undefined)
        await api.assets.measureIngest({
          assetId: room.id,
          measures: [{ measuredAt: new Date(), type: "temperature", name: "temperature", values: { temperature } }],
        });
    }
    const sorted = async (field: string, order: "asc" | "desc") => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.assets.search({
          filter: { reference: { prefix: "q-" } },
          sort: { field, order },
          limit: 1,
          cursor,
        });
        seen.push(...page.items.map((a) => a.reference));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    expect(await sorted("metadata.floor", "asc")).toEqual(["q-c", "q-b", "q-a", "q-d"]);
    expect(await sorted("metadata.floor", "desc")).toEqual(["q-a", "q-b", "q-c", "q-d"]);
    expect(await sorted("measures.temperature.temperature", "asc")).toEqual(["q-c", "q-a", "q-d", "q-b"]);
    expect(await sorted("measures.temperature.temperature", "desc")).toEqual(["q-d", "q-a", "q-c", "q-b"]);
    const bad = await expectCode(api.assets.search({ sort: { field: "metadata.floor; drop", order: "asc" } }), "BAD_REQUEST");
    expect(bad.message).toMatch(/sort/);
    // a cursor whose sort value was tampered with is refused, not cast by Postgres
    const tampered = Buffer.from(JSON.stringify(["metadata.floor:asc", "not json", randomUUID()])).toString("base64url");
    const refused = await expectCode(
      api.assets.search({ sort: { field: "metadata.floor", order: "asc" }, cursor: tampered }),
      "BAD_REQUEST",
    );
    expect(refused.message).toMatch(/cursor/);
  });

  it("imports assets from CSV with a per-row report", async () => {
    const world = await twinWorld();
    const report = await world.tenantAdmin.as().assets.importCsv({
      csv: "model,reference,metadata.floor,metadata.building\nRoom,i-1,1,A\nRoom,i-2,x,A\nTrailer,i-3,,\nRoom,i-1,2,B\nMeter,i-5,,\n",
    });
    expect(report.created).toBe(2);
    expect(report.errors).toEqual([
      { line: 3, reason: expect.stringMatching(/metadata\.floor/) },
      { line: 4, reason: expect.stringMatching(/unknown asset model "Trailer"/) },
      { line: 5, reason: "duplicate of line 2" },
    ]);
    const history = await world.tenantAdmin
      .as()
      .assets.history({ assetId: (await world.tenantAdmin.as().assets.get({ model: "Room", reference: "i-1" })).id });
    expect(history.items[0]).toMatchObject({ event: "created", details: { source: "csv" } });
  });

  it("deleting an asset unlinks its devices (they stay) and emits asset.deleted", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const deleted: string[] = [];
    const off = onDomainEvent("asset.deleted", (e) => void deleted.push(e.assetId));
    const room = await api.assets.create({ model: "Room", reference: `del-${randomUUID().slice(0, 4)}` });
    const device = await world.admin
      .as()
      .devices.create({ model: world.sensor.model, reference: `d-${world.tag}`, tenantId: world.tenant.id });
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    const result = await api.assets.delete({ id: room.id });
    expect(result.unlinkedDevices).toBe(1);
    expect(await api.devices.get({ id: device.id })).toMatchObject({ assetId: null, linkMeasures: [] });
    await expectCode(api.assets.get({ id: room.id }), "NOT_FOUND");
    expect(deleted).toEqual([room.id]);
    off();
  });
});
