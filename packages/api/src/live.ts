import { type TLiveMeasures, liveChannel, liveMessage, onDomainEvent } from "@iot/core";
import { Redis } from "ioredis";

// The web process's side of live measures: one Redis subscriber per process, subscribed
// to a tenant's channel while someone here follows it, handing each message to the
// process's listeners. Any number of web processes each get every message.

type Listener = (message: TLiveMeasures) => void;

class LiveHub {
  private redis: Redis | null = null;
  private listeners = new Map<string, Set<Listener>>();

  private connection(): Redis {
    if (!this.redis) {
      this.redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: false });
      this.redis.on("message", (channel: string, text: string) => {
        const set = this.listeners.get(channel);
        if (!set?.size) return;
        let message: TLiveMeasures;
        try {
          message = JSON.parse(text) as TLiveMeasures;
        } catch {
          return;
        }
        for (const listener of set) listener(message);
      });
      this.redis.on("error", (e: Error) => console.error("live measures: redis:", e.message));
    }
    return this.redis;
  }

  /** Follows a tenant's channel until the returned function is called. */
  async listen(tenantId: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = liveChannel(tenantId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    if (set.size === 1) await this.connection().subscribe(channel);
    return async () => {
      set.delete(listener);
      if (set.size === 0) {
        this.listeners.delete(channel);
        await this.connection()
          .unsubscribe(channel)
          .catch(() => {});
      }
    };
  }
}

export const liveHub = new LiveHub();

// Measures pushed through the API (devices.receiveMeasures, assets.measureIngest) are
// live too: published once committed, as the worker publishes what the pipeline stores.
let publisher: Redis | null = null;
onDomainEvent("measures.processed", async (event) => {
  publisher ??= new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  const { tenantId, source, assetId, measures } = event;
  const message = liveMessage({ tenantId, payloadIds: [], devices: [{ ...source, assetId, measures }] });
  await publisher.publish(liveChannel(tenantId), JSON.stringify(message));
});
