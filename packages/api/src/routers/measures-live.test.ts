import { describe, expect, it } from "vitest";
import { callerFor, expectCode } from "../testkit";
import { deviceIn, twinWorld } from "../twins-kit";

// measures.subscribe: what a tenant's twin receives, batched, through Redis pub/sub (the
// path the web processes share); another tenant gets none of it.

type Batch = { measures: { key: string; deviceId: string; values: Record<string, unknown> }[] };

/** The next batch of a subscription (or of a next() already asked), or null after 5 s. */
async function next(it: AsyncIterator<Batch>, asked: Promise<IteratorResult<Batch>> | null = null): Promise<Batch | null> {
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), 5000));
  const result = await Promise.race([asked ?? it.next(), timeout]);
  return result && !result.done ? result.value : null;
}

describe("measures.subscribe", () => {
  it("streams a twin's new measures to its tenant, in batches; other tenants get none and cannot follow it", async () => {
    const world = await twinWorld();
    const api = world.tenantAdmin.as();
    const room = await api.assets.create({ model: "Room", reference: `live-${world.tag}` });
    const device = await deviceIn(world, world.tenant.id);
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });

    // as the SSE handler does: the stream is read at once, and ends when the client goes
    const closed = new AbortController();
    const follow = async (token: string, input: { tenantId: string; assetId?: string }) => {
      const stream = (await callerFor(token, null, closed.signal).measures.subscribe(input))[Symbol.asyncIterator]();
      return { stream, first: stream.next() };
    };
    const asset = await follow(world.tenantAdmin.token, { tenantId: world.tenant.id, assetId: room.id });
    const outsider = await follow(world.otherAdmin.token, { tenantId: world.other.id });
    await new Promise((r) => setTimeout(r, 300)); // subscribed to Redis
    try {
      const now = Date.now();
      const push = (i: number) =>
        api.devices.receiveMeasures({
          deviceId: device.id,
          measures: [
            { measuredAt: new Date(now - 10_000 + i), type: "temperature", name: "temperature", values: { temperature: 20 + i } },
          ],
        });
      await Promise.all([push(1), push(2), push(3)]);
      const received: number[] = [];
      let pending: Promise<IteratorResult<Batch>> | null = asset.first;
      while (received.length < 3) {
        const batch = await next(asset.stream, pending);
        pending = null;
        if (!batch) break;
        for (const m of batch.measures) {
          expect(m.key).toBe("temperature"); // the asset's slot
          received.push(m.values.temperature as number);
        }
      }
      expect(received.sort()).toEqual([21, 22, 23]);

      // the other tenant's stream saw nothing of it: its first batch is its own measure
      const mine = await deviceIn(world, world.other.id);
      await world.otherAdmin.as().devices.receiveMeasures({
        deviceId: mine.id,
        measures: [{ measuredAt: new Date(now), type: "temperature", name: "temperature", values: { temperature: 5 } }],
      });
      const first = await next(outsider.stream, outsider.first);
      expect(first?.measures.map((m) => m.deviceId)).toEqual([mine.id]);
    } finally {
      closed.abort();
    }

    // following another tenant's asset: refused, whichever tenant is named
    await expectCode(world.otherAdmin.as().measures.subscribe({ tenantId: world.tenant.id, assetId: room.id }), "FORBIDDEN");
    await expectCode(world.otherAdmin.as().measures.subscribe({ tenantId: world.other.id, assetId: room.id }), "NOT_FOUND");
  });
});
