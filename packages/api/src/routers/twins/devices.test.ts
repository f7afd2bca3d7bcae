import { onDomainEvent } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode } from "../../testkit";
import { deviceIn, twinWorld } from "../../twins-kit";

describe("device catalog and tenant devices", () => {
  it("an orphan is visible to the platform only; attached, its tenant sees it and emits device.created then device.attached", async () => {
    const world = await twinWorld();
    const events: string[] = [];
    const offs = [
      onDomainEvent("device.created", (e) => void events.push(`created:${e.reference}`)),
      onDomainEvent("device.attached", (e) => void events.push(`attached:${e.tenantId}`)),
    ];
    const device = await deviceIn(world, null);
    expect(device).toMatchObject({ tenantId: null, metadata: { firmware: "1.0" }, status: "never-seen" });
    await expectCode(world.tenantAdmin.as().devices.get({ id: device.id }), "NOT_FOUND");
    expect((await world.tenantAdmin.as().devices.search({ filter: { reference: { eq: device.reference } } })).items).toEqual([]);
    const orphans = await world.admin
      .as()
      .devices.search({ tenantId: "orphans", filter: { reference: { eq: device.reference } } });
    expect(orphans.items.map((d) => d.id)).toEqual([device.id]);

    await world.admin.as().devices.attachTenant({ deviceId: device.id, tenantId: world.tenant.id });
    const seen = await world.tenantAdmin.as().devices.get({ model: device.model, reference: device.reference });
    expect(seen.id).toBe(device.id);
    await expectCode(world.admin.as().devices.attachTenant({ deviceId: device.id, tenantId: world.other.id }), "CONFLICT");
    await expectCode(world.otherAdmin.as().devices.get({ id: device.id }), "NOT_FOUND");
    expect(events).toEqual([`created:${device.reference}`, `attached:${world.tenant.id}`]);
    for (const off of offs) off();
  });

  it("detached, a device keeps nothing of its tenant: metadata back to the model's defaults, no measures, never seen", async () => {
    const world = await twinWorld();
    const device = await deviceIn(world, world.tenant.id);
    await world.tenantAdmin.as().devices.update({ id: device.id, metadata: { firmware: "tenant-build", gain: 3 } });
    await withPlatform((db) =>
      db.device.update({ where: { id: device.id }, data: { lastSeenAt: new Date(), measures: { temperature: { value: 21 } } } }),
    );
    const back = await world.admin.as().devices.detachTenant({ deviceId: device.id });
    expect(back).toMatchObject({
      tenantId: null,
      metadata: { firmware: "1.0" },
      measures: {},
      lastSeenAt: null,
      status: "never-seen",
    });
  });

  it("a reading of 'not seen lately' includes devices never seen (NOT inverts exactly)", async () => {
    const world = await twinWorld();
    const fresh = await deviceIn(world, world.tenant.id);
    const never = await deviceIn(world, world.tenant.id);
    await withPlatform((db) => db.device.update({ where: { id: fresh.id }, data: { lastSeenAt: new Date() } }));
    const offline = await world.tenantAdmin.as().devices.search({ filter: { not: { lastSeen: { withinSeconds: 600 } } } });
    expect(offline.items.map((d) => d.id)).toEqual([never.id]);
    const noGain = await world.tenantAdmin
      .as()
      .devices.search({ filter: { not: { metadata: { field: "gain", op: "gt", value: 1 } } } });
    expect(noGain.items.map((d) => d.id).sort()).toEqual([fresh.id, never.id].sort());
  });

  it("refuses with BAD_REQUEST what Postgres cannot store or compare: NUL characters, impossible dates, foreign cursors, deep filters", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    await expectCode(api.devices.search({ filter: { reference: { eq: "a\u0000b" } } }), "BAD_REQUEST");
    await expectCode(api.devices.search({ filter: { lastSeen: { after: new Date(-8e15) } } }), "BAD_REQUEST");
    for (let i = 0; i < 3; i++) await deviceIn(world, world.tenant.id);
    const page = await api.devices.search({ limit: 1, sort: { field: "reference", order: "asc" } });
    await expectCode(
      api.devices.search({ limit: 1, sort: { field: "lastSeenAt", order: "desc" }, cursor: page.nextCursor ?? undefined }),
      "BAD_REQUEST",
    );
    let deep: object = { model: "x" };
    for (let i = 0; i < 30; i++) deep = { not: deep };
    await expectCode(api.devices.search({ filter: deep as never }), "BAD_REQUEST");
    await expectCode(world.admin.as().devices.create({ model: world.sensor.model, reference: "nul\u0000ref" }), "BAD_REQUEST");
  });

  it("shows online or offline from the model's timeout", async () => {
    const world = await twinWorld();
    const fresh = await deviceIn(world, world.tenant.id);
    const stale = await deviceIn(world, world.tenant.id);
    await withPlatform(async (db) => {
      await db.device.update({ where: { id: fresh.id }, data: { lastSeenAt: new Date(Date.now() - 60_000) } });
      await db.device.update({ where: { id: stale.id }, data: { lastSeenAt: new Date(Date.now() - 3_600_000) } });
    });
    expect((await world.tenantAdmin.as().devices.get({ id: fresh.id })).status).toBe("online");
    expect((await world.tenantAdmin.as().devices.get({ id: stale.id })).status).toBe("offline");
    const recent = await world.tenantAdmin.as().devices.search({ filter: { lastSeen: { withinSeconds: 300 } } });
    expect(recent.items.map((d) => d.id)).toEqual([fresh.id]);
  });

  it("tenant users update metadata against the model, replace it, and delete their devices", async () => {
    const world = await twinWorld();
    const device = await deviceIn(world, world.tenant.id);
    const updated = await world.tenantAdmin
      .as()
      .devices.update({ id: device.id, metadata: { gain: 1.5, installedOn: "2026-01-02" } });
    expect(updated.metadata).toEqual({ firmware: "1.0", gain: 1.5, installedOn: "2026-01-02" });
    const bad = await expectCode(
      world.tenantAdmin.as().devices.update({ id: device.id, metadata: { gain: "high" } }),
      "BAD_REQUEST",
    );
    expect(bad.message).toMatch(/metadata\.gain/);
    const unknown = await expectCode(
      world.tenantAdmin.as().devices.update({ id: device.id, metadata: { colour: "red" } }),
      "BAD_REQUEST",
    );
    expect(unknown.message).toMatch(/unknown field\(s\) colour/);
    const replaced = await world.tenantAdmin.as().devices.replaceMetadata({ id: device.id, metadata: { firmware: "2.0" } });
    expect(replaced.metadata).toEqual({ firmware: "2.0" });
    await world.tenantAdmin.as().devices.delete({ id: device.id });
    await expectCode(world.admin.as().devices.get({ id: device.id }), "NOT_FOUND");
  });

  it("a viewer reads devices but cannot change them; creating devices is for platform admins", async () => {
    const world = await twinWorld();
    const device = await deviceIn(world, world.tenant.id);
    const { signedInMember } = await import("../../testkit");
    const viewer = await signedInMember(world.admin, world.tenant.id, ["viewer"]);
    expect((await viewer.as().devices.get({ id: device.id })).id).toBe(device.id);
    await expectCode(viewer.as().devices.update({ id: device.id, metadata: { gain: 2 } }), "FORBIDDEN");
    await expectCode(world.tenantAdmin.as().devices.create({ model: world.sensor.model, reference: "mine" }), "FORBIDDEN");
    await expectCode(world.admin.as().devices.create({ model: world.sensor.model, reference: device.reference }), "CONFLICT");
    await expectCode(world.admin.as().devices.create({ model: "NoSuchModel", reference: "x" }), "NOT_FOUND");
  });

  it("imports the catalog from CSV: bad rows reported with line and reason, good rows kept", async () => {
    const world = await twinWorld();
    const m = world.sensor.model;
    const csv = [
      "model,reference,tenant,metadata.gain,metadata.firmware",
      `${m},csv-1-${world.tag},,2.5,`,
      `${m},csv-2-${world.tag},${world.tenant.name},,3.1`,
      `NoModel,csv-3-${world.tag},,,`,
      `${m},,,,`,
      `${m},csv-5-${world.tag},,not-a-number,`,
      `${m},csv-1-${world.tag},,,`,
      `${m},csv-7-${world.tag},no-such-tenant,,`,
      `${m},csv-8-${world.tag},,1,2.0,one-too-many`,
    ].join("\n");
    const report = await world.admin.as().devices.importCsv({ csv });
    expect(report.created).toBe(2);
    expect(report.errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(report.errors[0]?.reason).toMatch(/unknown device model "NoModel"/);
    expect(report.errors[1]?.reason).toMatch(/reference is empty/);
    expect(report.errors[2]?.reason).toMatch(/metadata\.gain/);
    expect(report.errors[3]?.reason).toMatch(/duplicate of line 2/);
    expect(report.errors[4]?.reason).toMatch(/unknown tenant/);
    expect(report.errors[5]?.reason).toMatch(/column/i);
    const inTenant = await world.tenantAdmin.as().devices.get({ model: m, reference: `csv-2-${world.tag}` });
    expect(inTenant.metadata).toEqual({ firmware: "3.1" });
    const again = await world.admin.as().devices.importCsv({ csv: `model,reference\n${m},csv-1-${world.tag}\n` });
    expect(again).toMatchObject({ created: 0, errors: [{ line: 2, reason: expect.stringMatching(/already exists/) }] });
  });

  it("searches by metadata comparisons, and pages with a cursor without repeats", async () => {
    const world = await twinWorld();
    for (const gain of [1, 2, 3, 4, 5]) {
      await world.admin.as().devices.create({
        model: world.sensor.model,
        reference: `g${gain}-${world.tag}`,
        tenantId: world.tenant.id,
        metadata: { gain },
      });
    }
    const high = await world.tenantAdmin
      .as()
      .devices.search({ filter: { metadata: { field: "gain", op: "gte", value: 3 } }, withTotal: true });
    expect(high.total).toBe(3);
    const page1 = await world.tenantAdmin.as().devices.search({ limit: 2, sort: { field: "reference", order: "desc" } });
    const page2 = await world.tenantAdmin
      .as()
      .devices.search({ limit: 2, sort: { field: "reference", order: "desc" }, cursor: page1.nextCursor ?? undefined });
    const page3 = await world.tenantAdmin
      .as()
      .devices.search({ limit: 2, sort: { field: "reference", order: "desc" }, cursor: page2.nextCursor ?? undefined });
    const refs = [...page1.items, ...page2.items, ...page3.items].map((d) => d.reference);
    expect(refs).toEqual([5, 4, 3, 2, 1].map((g) => `g${g}-${world.tag}`));
    expect(page3.nextCursor).toBeNull();
    await expectCode(world.tenantAdmin.as().devices.search({ cursor: "garbage" }), "BAD_REQUEST");
  });
});
