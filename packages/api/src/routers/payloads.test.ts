import { markProcessed, storePayloads } from "@iot/core";
import { withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { expectCode, signedInMember } from "../testkit";
import { twinWorld } from "../twins-kit";

describe("payload log", () => {
  it("lists a tenant's payloads to its users (filters, paging), all of them to platform admins, and prunes", async () => {
    const world = await twinWorld();
    const body = { id: "x", lat: 1, lon: 2 };
    const row = (tenantId: string | null, state: "RECEIVED" | "ERROR" | "SKIP", reason: string | null = null) => ({
      tenantId,
      apiKeyId: null,
      decoder: "gps-tracker",
      deviceModel: "GpsTracker",
      state,
      reason,
      body,
    });
    const [a1, a2, a3, b1, p1] = await withPlatform((db) =>
      storePayloads(db, [
        row(world.tenant.id, "RECEIVED"),
        row(world.tenant.id, "ERROR", "lat: too big"),
        row(world.tenant.id, "SKIP"),
        row(world.other.id, "RECEIVED"),
        row(null, "RECEIVED"),
      ]),
    );
    await withPlatform((db) =>
      markProcessed(db, [
        {
          id: a1 as string,
          state: "VALID",
          reason: null,
          devices: ["truck-1"],
          measures: 2,
          measuredFrom: null,
          measuredTo: null,
        },
      ]),
    );

    const api = world.tenantAdmin.as();
    const mine = await api.payloads.list({});
    expect(mine.items.map((p) => p.id).sort()).toEqual([a1, a2, a3].sort());
    expect((await api.payloads.list({ state: "ERROR" })).items).toEqual([
      expect.objectContaining({ id: a2, reason: "lat: too big" }),
    ]);
    expect((await api.payloads.list({ device: "truck-1" })).items.map((p) => p.id)).toEqual([a1]);
    const page1 = await api.payloads.list({ limit: 2 });
    const page2 = await api.payloads.list({ limit: 2, cursor: page1.nextCursor ?? undefined });
    expect([...page1.items, ...page2.items].map((p) => p.id).sort()).toEqual([a1, a2, a3].sort());
    expect(await api.payloads.get({ id: a1 as string })).toMatchObject({ state: "VALID", measures: 2, body });
    await expectCode(api.payloads.get({ id: b1 as string }), "NOT_FOUND");
    await expectCode(api.payloads.get({ id: p1 as string }), "NOT_FOUND");

    const all = await world.admin.as().payloads.list({ limit: 200 });
    expect(all.items.map((p) => p.id)).toEqual(expect.arrayContaining([a1, b1, p1]));

    const viewer = await signedInMember(world.admin, world.tenant.id, ["viewer"]);
    await expectCode(viewer.as().payloads.prune({ days: 0 }), "FORBIDDEN");
    expect(await api.payloads.prune({ days: 0, onlyValid: true })).toEqual({ deleted: 1 });
    expect((await api.payloads.list({})).items.map((p) => p.id).sort()).toEqual([a2, a3].sort());
    expect((await world.otherAdmin.as().payloads.list({})).items.map((p) => p.id)).toEqual([b1]);
  });
});
