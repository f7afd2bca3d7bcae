// The platform from a program, with @iot/client only:
//   1. an asset (a Room) is created,
//   2. a thermometer posts measures to the webhook; the pipeline provisions it, and it is
//      linked to the room,
//   3. the room's measures are read back,
//   4. a live subscription follows the room while one more measure is posted.
//
//   IOT_URL=http://localhost:3000 IOT_INGEST_URL=http://localhost:3001 \
//   IOT_API_KEY=iotk_... [IOT_TENANT_ID=...] npm start -w @iot/example-quickstart
//
// The key is an API key of a tenant member allowed to manage assets and devices and to
// post payloads (create one on the console's API keys page).
import { createPlatformClient, postPayloads } from "@iot/client";

function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

const url = env("IOT_URL", "http://localhost:3000");
const ingestUrl = env("IOT_INGEST_URL", "http://localhost:3001");
const apiKey = env("IOT_API_KEY");
const client = createPlatformClient({ url, apiKey, tenantId: process.env.IOT_TENANT_ID ?? null });

const me = await client.auth.me.query();
const tenantId = me.currentTenant?.id;
if (!tenantId) throw new Error("the key acts in no tenant: set IOT_TENANT_ID");
console.log(`acting in ${me.currentTenant?.name} as ${me.user.email}`);

// 1. the asset
const tag = Date.now().toString(36);
const room = await client.assets.create.mutate({ model: "Room", reference: `example-room-${tag}`, metadata: {} });
console.log(`asset ${room.reference} created`);

// 2. measures through the webhook, from a device the pipeline provisions
const reference = `example-thermo-${tag}`;
const reading = (temperature: number, at: Date) => ({
  reference,
  measuredAt: at.toISOString(),
  measures: [{ name: "temperature", type: "temperature", values: { temperature } }],
});
const start = Date.now() - 60_000;
const first = await postPayloads({
  ingestUrl,
  apiKey,
  decoder: "json",
  payloads: [reading(19.5, new Date(start))],
  requestId: `example-${tag}-1`,
});
console.log(`first payload: ${first[0]?.state}`);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const device = await until("the device", () => client.devices.get.query({ model: "GenericJson", reference }));
await client.devices.linkAsset.mutate({ deviceId: device.id, assetId: room.id });
console.log(`device ${device.reference} provisioned and linked to ${room.reference}`);
const more = await postPayloads({
  ingestUrl,
  apiKey,
  decoder: "json",
  payloads: [20.25, 21, 21.75].map((t, i) => reading(t, new Date(start + (i + 1) * 10_000))),
  requestId: `example-${tag}-2`,
});
console.log(`three more payloads: ${more.map((r) => r.state).join(", ")}`);

// 3. read back
const stored = await until("the room's measures", async () => {
  const page = await client.assets.getMeasures.query({ assetId: room.id, from: new Date(start - 1000), limit: 10 });
  return page.kind === "raw" && page.items.length >= 3 ? page.items : undefined;
});
console.log(`the room holds ${stored.length} measures: ${stored.map((m) => m.values.temperature).join(", ")}`);

// 4. live: subscribe, post one more, see it arrive
const received = new Promise<number>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("no live measure within 20 s")), 20_000);
  const subscription = client.measures.subscribe.subscribe(
    { tenantId, assetId: room.id },
    {
      onStarted: () => {
        void postPayloads({ ingestUrl, apiKey, decoder: "json", payloads: [reading(22.5, new Date())] });
      },
      onData: ({ measures }) => {
        const value = measures.map((m) => m.values.temperature).find((v) => v === 22.5);
        if (value === undefined) return;
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(value);
      },
      onError: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    },
  );
});
console.log(`live: ${await received} °C arrived on ${room.reference}`);
console.log("done");
