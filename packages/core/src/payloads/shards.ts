// Per-device order without BullMQ's (paid) groups: payloads are routed to one of N shard
// queues by a hash of their device, and each shard is worked one job at a time. The
// webhook and the sweeper route; the worker runs one consumer per shard. Every process
// must agree on N (PAYLOAD_SHARDS, default 4): changing it while payloads are queued can
// reorder those in flight, nothing else.

export const PAYLOAD_SHARDS = shardCount(process.env.PAYLOAD_SHARDS);

function shardCount(raw: string | undefined): number {
  const n = Number(raw ?? 4);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : 4;
}

export const payloadQueue = (shard: number) => `payloads-${shard}`;

export const PAYLOAD_QUEUES = Array.from({ length: PAYLOAD_SHARDS }, (_, i) => payloadQueue(i));

/** The shard of a device (model + routing key), by FNV-1a: stable across processes and restarts. */
export function payloadShard(deviceModel: string, routingKey: string, shards = PAYLOAD_SHARDS): number {
  let hash = 0x811c9dc5;
  const text = `${deviceModel}/${routingKey}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
