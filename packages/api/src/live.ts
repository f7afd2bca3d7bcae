import { liveSubscribers, serviceLogger } from "@iot/core";
import { Redis } from "ioredis";

// The web process's side of live measures: one Redis subscriber per process, subscribed
// to a tenant's channel while someone here follows it, handing each message to the
// process's listeners. Any number of web processes each get every message.

type Listener = (message: unknown) => void;

class LiveHub {
  private redis: Redis | null = null;
  private listeners = new Map<string, Set<Listener>>();

  private connection(): Redis {
    if (!this.redis) {
      this.redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: false });
      this.redis.on("message", (channel: string, text: string) => {
        const set = this.listeners.get(channel);
        if (!set?.size) return;
        let message: unknown;
        try {
          message = JSON.parse(text);
        } catch {
          return;
        }
        for (const listener of set) listener(message);
      });
      this.redis.on("error", (e: Error) => serviceLogger().error(`live measures: redis: ${e.message}`));
    }
    return this.redis;
  }

  /** Follows a Redis channel (a tenant's measures, alerts...) until the returned function is called. */
  async listen(channel: string, listener: Listener): Promise<() => Promise<void>> {
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

/**
 * What a subscription yields from a channel: the items `pick` takes from each message,
 * gathered for batchMs after the first so a burst goes out as one batch, until aborted.
 */
export async function* batchedStream<T>(
  channel: string,
  pick: (message: unknown) => T[],
  signal: AbortSignal | undefined,
  batchMs: number,
  /** Its name on the live subscribers gauge (/metrics). */
  stream = "live",
): AsyncGenerator<T[]> {
  const pending: T[] = [];
  let wake: (() => void) | null = null;
  const stop = await liveHub.listen(channel, (message) => {
    const items = pick(message);
    if (!items.length) return;
    pending.push(...items);
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
  liveSubscribers.inc({ stream });
  try {
    while (!signal?.aborted) {
      if (!pending.length) await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
      wake = null;
      if (signal?.aborted) break;
      // a moment for the rest of the burst, then one batch
      await Promise.race([new Promise((r) => setTimeout(r, batchMs)), aborted]);
      yield pending.splice(0, pending.length);
    }
  } finally {
    liveSubscribers.dec({ stream });
    await stop();
  }
}
