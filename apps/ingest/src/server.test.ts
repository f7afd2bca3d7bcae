import { randomUUID } from "node:crypto";
import {
  PAYLOAD_QUEUES,
  createTenant,
  ensureDecoderModels,
  payloadQueue,
  payloadShard,
  processPayload,
  processPayloads,
} from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "./server";
import { keyFor } from "./test-keys";

// The real webhook over HTTP, with real Redis and Postgres; the pipeline run as the
// worker runs it.
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ELSYS = Buffer.from("0100e202290400270506060308070d62", "hex").toString("base64");

function uplink(devEui: string, frm = ELSYS) {
  return {
    end_device_ids: { dev_eui: devEui },
    uplink_message: { f_port: 5, frm_payload: frm, received_at: new Date(Date.now() - 1000).toISOString() },
  };
}

describe("payload webhook", () => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `iot-test-${randomUUID().slice(0, 8)}`;
  const queues = new Map(PAYLOAD_QUEUES.map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  const queueOf = (name: string) => queues.get(name) as Queue;
  let base = "";
  let close: () => Promise<void> = async () => {};
  let tenantA = "";
  let tenantB = "";
  let keyA = "";

  beforeAll(async () => {
    const app = await buildServer({ redis, queueOf, ratePerMinute: 1000 });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    close = async () => {
      await app.close();
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
    };
    await withPlatform((db) => ensureDecoderModels(db));
    [tenantA, tenantB] = await withPlatform(async (db) => [
      (await createTenant(db, { name: `ingest-a-${randomUUID().slice(0, 6)}`, group: "commons" })).id,
      (await createTenant(db, { name: `ingest-b-${randomUUID().slice(0, 6)}`, group: "commons" })).id,
    ]);
    keyA = await keyFor({ tenantId: tenantA });
  });
  afterAll(() => close());

  const post = (path: string, body: unknown, key?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("stores, queues and answers 202; the pipeline provisions the device in the key's tenant and stores its measures once", async () => {
    const eui = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const res = await post("/api/payloads/tts-elsys", uplink(eui), keyA);
    expect(res.status).toBe(202);
    const { payloadId, state } = (await res.json()) as { payloadId: string; state: string };
    expect(state).toBe("VALID");
    // answered once stored; queued moments later, gathered with other requests' payloads
    let stored: { state: string; tenant_id: string; queued: boolean }[] = [];
    for (let i = 0; i < 50 && !stored[0]?.queued; i++) {
      await new Promise((r) => setTimeout(r, 20));
      stored = await withPlatform(
        (db) => db.$queryRaw<{ state: string; tenant_id: string; queued: boolean }[]>`
        SELECT state, tenant_id, queued_at IS NOT NULL AS queued FROM payloads WHERE id = ${payloadId}::uuid`,
      );
    }
    expect(stored[0]).toEqual({ state: "RECEIVED", tenant_id: tenantA, queued: true });
    // on the shard of its device, where every payload of that device goes
    const waiting = await queueOf(payloadQueue(payloadShard("ElsysERS", eui))).getJobs(["waiting"]);
    expect(waiting.some((j) => (j.data as { payloadIds: string[] }).payloadIds.includes(payloadId))).toBe(true);

    expect(await processPayload(payloadId)).toMatchObject({ state: "VALID", devices: [eui], measures: 5 });
    // the job run again finds the payload settled; run again after a crash before settling, nothing is stored twice
    expect(await processPayloads([payloadId])).toEqual([]);
    await withPlatform((db) => db.$executeRaw`UPDATE payloads SET state = 'RECEIVED' WHERE id = ${payloadId}::uuid`);
    expect(await processPayload(payloadId)).toMatchObject({ state: "VALID", measures: 5 });
    const counted = await withTenant(
      tenantA,
      (db) => db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM measures m JOIN devices d ON d.id = m.origin_id WHERE d.reference = ${eui} AND m.payload_id = ${payloadId}`,
    );
    expect(counted[0]?.n).toBe(5);
    const device = await withTenant(tenantA, (db) =>
      db.device.findFirst({ where: { reference: eui }, select: { tenantId: true, measures: true } }),
    );
    expect(device?.tenantId).toBe(tenantA);
    const last = (device?.measures ?? {}) as { co2?: { values: unknown } };
    expect(last.co2?.values).toEqual({ co2: 776 });
  });

  it("SKIP answers 200, a refused payload 400 with its reason (stored as ERROR), an unknown decoder 404", async () => {
    const skip = await post(
      "/api/payloads/tts-elsys",
      { end_device_ids: { dev_eui: "70B3D57ED0000001" }, uplink_message: { f_port: 0 } },
      keyA,
    );
    expect(skip.status).toBe(200);
    expect(((await skip.json()) as { state: string }).state).toBe("SKIP");
    const bad = await post("/api/payloads/tts-elsys", { uplink_message: {} }, keyA);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { payloadId: string; error: { message: string } };
    expect(body.error.message).toMatch(/end_device_ids/);
    const row = await withPlatform(
      (db) =>
        db.$queryRaw<{ state: string; reason: string }[]>`SELECT state, reason FROM payloads WHERE id = ${body.payloadId}::uuid`,
    );
    expect(row[0]?.state).toBe("ERROR");
    expect(row[0]?.reason).toMatch(/end_device_ids/);
    expect((await post("/api/payloads/no-such-decoder", {}, keyA)).status).toBe(404);
  });

  it("refuses no key or a session token (401), a key without payloads:write (403), a body over 1 MiB (413), bad JSON (400)", async () => {
    expect((await post("/api/payloads/json", {})).status).toBe(401);
    expect((await post("/api/payloads/json", {}, "iots_not-a-key")).status).toBe(401);
    const viewerKey = await keyFor({ tenantId: tenantA, profiles: ["viewer"] });
    expect((await post("/api/payloads/json", {}, viewerKey)).status).toBe(403);
    const huge = JSON.stringify({ reference: "x", measures: [], pad: "x".repeat(1024 * 1024) });
    expect((await post("/api/payloads/json", huge, keyA)).status).toBe(413);
    expect((await post("/api/payloads/json", "{not json", keyA)).status).toBe(400);
  });

  it("limits each key's rate: past it, 429 with Retry-After, and other keys are not affected", async () => {
    const limited = await buildServer({ redis, queueOf, ratePerMinute: 2 });
    await limited.listen({ port: 0, host: "127.0.0.1" });
    const address = limited.server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/payloads/json`;
    try {
      const key = await keyFor({ tenantId: tenantA });
      const send = (k: string) =>
        fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${k}` }, body: "{}" });
      expect((await send(key)).status).toBe(400);
      expect((await send(key)).status).toBe(400);
      const third = await send(key);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await send(await keyFor({ tenantId: tenantA }))).status).toBe(400);
    } finally {
      await limited.close();
    }
  });

  it("a batch answers one result per item, in order, with good and bad items mixed", async () => {
    const res = await post(
      "/api/payloads/gps-tracker/batch",
      [
        { id: `t-${randomUUID().slice(0, 6)}`, lat: 48.85, lon: 2.35, batt: 80 },
        { id: "bad", lat: 200, lon: 0 },
        { id: `t-${randomUUID().slice(0, 6)}`, lat: 45.76, lon: 4.83 },
      ],
      keyA,
    );
    expect(res.status).toBe(200);
    const items = (await res.json()) as { state: string; error?: string }[];
    expect(items.map((i) => i.state)).toEqual(["VALID", "ERROR", "VALID"]);
    expect(items[1]?.error).toMatch(/lat/);
  });

  it("a tenant key cannot feed another tenant's device; a platform key provisions orphans, whose measures go to no tenant", async () => {
    const eui = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const keyB = await keyFor({ tenantId: tenantB });
    const first = (await (await post("/api/payloads/tts-elsys", uplink(eui), keyB)).json()) as { payloadId: string };
    await processPayload(first.payloadId);
    const intrusion = (await (await post("/api/payloads/tts-elsys", uplink(eui), keyA)).json()) as { payloadId: string };
    const refused = await processPayload(intrusion.payloadId);
    expect(refused).toMatchObject({ state: "ERROR", reason: expect.stringMatching(/does not belong to this key's tenant/) });

    const platformKey = await keyFor({ tenantId: null, platformAdmin: true });
    const orphanEui = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const orphan = (await (await post("/api/payloads/tts-elsys", uplink(orphanEui), platformKey)).json()) as {
      payloadId: string;
    };
    const result = await processPayload(orphan.payloadId);
    expect(result).toMatchObject({
      state: "VALID",
      devices: [orphanEui],
      measures: 0,
      skipped: [{ reason: expect.stringMatching(/orphan/) }],
    });
    const device = await withPlatform((db) =>
      db.device.findFirst({ where: { reference: orphanEui }, select: { tenantId: true, measures: true } }),
    );
    expect(device?.tenantId).toBeNull();
    const kept = (device?.measures ?? {}) as { temperature?: { values: unknown } };
    expect(kept.temperature?.values).toEqual({ temperature: 22.6 });
  });

  it("each shipped decoder, end to end from HTTP to stored measures of the device in the key's tenant", async () => {
    const eui = () => randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const at = new Date(Date.now() - 5000).toISOString();
    const cases = [
      { route: "tts-elsys", reference: eui(), body: (r: string) => uplink(r) },
      {
        route: "chirpstack-elsys",
        reference: eui(),
        body: (r: string) => ({
          time: at,
          deviceInfo: { devEui: r.toLowerCase(), deviceName: "ers-1" },
          fPort: 5,
          fCnt: 7,
          data: ELSYS,
        }),
      },
      {
        route: "gps-tracker",
        reference: `gps-${randomUUID().slice(0, 6)}`,
        body: (r: string) => ({ id: r, lat: 45.764, lon: 4.8357, timestamp: Math.floor(Date.now() / 1000) - 5, batt: 76.4 }),
      },
      {
        route: "json",
        reference: `json-${randomUUID().slice(0, 6)}`,
        body: (r: string) => ({
          reference: r,
          measuredAt: at,
          measures: [
            { name: "power", type: "power", values: { power: 1250 } },
            { name: "temperature", type: "temperature", values: { temperature: 21.5 } },
          ],
        }),
      },
    ];
    const expected: Record<string, string[]> = {
      "tts-elsys": ["battery", "co2", "humidity", "movement", "temperature"],
      "chirpstack-elsys": ["battery", "co2", "humidity", "movement", "temperature"],
      "gps-tracker": ["battery", "position"],
      json: ["power", "temperature"],
    };
    for (const c of cases) {
      const res = await post(`/api/payloads/${c.route}`, c.body(c.reference), keyA);
      expect(res.status, c.route).toBe(202);
      const { payloadId } = (await res.json()) as { payloadId: string };
      expect(await processPayload(payloadId), c.route).toMatchObject({ state: "VALID", devices: [c.reference] });
      const names = await withTenant(
        tenantA,
        (db) => db.$queryRaw<{ name: string }[]>`
          SELECT m.name FROM measures m JOIN devices d ON d.id = m.origin_id
          WHERE d.reference = ${c.reference} AND m.payload_id = ${payloadId} ORDER BY m.name`,
      );
      expect(
        names.map((n) => n.name),
        c.route,
      ).toEqual(expected[c.route]);
    }
  });

  it("a payload carrying its time posted again is a DUPLICATE (same id, nothing stored twice); equal bodies without a time are two readings", async () => {
    const eui = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const body = uplink(eui);
    const first = await post("/api/payloads/tts-elsys", body, keyA);
    const again = await post("/api/payloads/tts-elsys", body, keyA);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    const [a, b] = (await Promise.all([first.json(), again.json()])) as { payloadId: string; state: string }[];
    expect(b).toEqual({ payloadId: a?.payloadId, state: "DUPLICATE" });
    // in one batch too: an item posted before, and one repeated inside the batch
    const fresh = uplink(randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase());
    const batch = (await (await post("/api/payloads/tts-elsys/batch", [body, fresh, fresh], keyA)).json()) as {
      state: string;
    }[];
    expect(batch.map((i) => i.state)).toEqual(["DUPLICATE", "VALID", "DUPLICATE"]);
    expect(
      await withPlatform(
        (db) => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM payloads WHERE id = ${a?.payloadId}::uuid`,
      ),
    ).toEqual([{ n: 1 }]);

    const untimed = {
      reference: `u-${randomUUID().slice(0, 6)}`,
      measures: [{ name: "power", type: "power", values: { power: 5 } }],
    };
    const twice = await Promise.all([post("/api/payloads/json", untimed, keyA), post("/api/payloads/json", untimed, keyA)]);
    const ids = (await Promise.all(twice.map((r) => r.json()))) as { payloadId: string; state: string }[];
    expect(ids.map((i) => i.state)).toEqual(["VALID", "VALID"]);
    expect(ids[0]?.payloadId).not.toBe(ids[1]?.payloadId);
  });

  it("with the catalog strategy, unknown devices are skipped with the reason and not created", async () => {
    const eui = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const posted = (await (await post("/api/payloads/tts-elsys", uplink(eui), keyA)).json()) as { payloadId: string };
    const result = await processPayload(posted.payloadId, "catalog");
    expect(result).toMatchObject({
      state: "SKIP",
      devices: [],
      reason: expect.stringMatching(/unknown device.*catalog/),
      skipped: [{ reference: eui, reason: expect.stringMatching(/catalog/) }],
    });
    expect(await withPlatform((db) => db.device.count({ where: { reference: eui } }))).toBe(0);
    // the same with a platform key: no orphan is created either
    const platformKey = await keyFor({ tenantId: null, platformAdmin: true });
    const orphan = (await (await post("/api/payloads/tts-elsys", uplink(eui), platformKey)).json()) as { payloadId: string };
    expect(await processPayload(orphan.payloadId, "catalog")).toMatchObject({ state: "SKIP", devices: [] });
    expect(await withPlatform((db) => db.device.count({ where: { reference: eui } }))).toBe(0);
  });
});
