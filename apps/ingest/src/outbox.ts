import { type Logger, type TBulkQueue, type TNewPayload, enqueuePayloads, markQueued, storeOutbox } from "@iot/core";
import { withPlatform } from "@iot/db";

// Group commit for the payload outbox: concurrent requests' payloads are stored in one
// multi-row insert. Nothing waits for a timer: an idle outbox writes at once, and while a
// write is under way the next requests gather for the following one, so batches grow with
// the load. A request is answered once its payloads are stored (durable: that is the
// outbox); queueing follows, gathered over QUEUE_LINGER_MS so a job carries many payloads,
// with one addBulk per shard and one update marking them queued. If queueing fails (Redis
// down) or the process dies first, the sweeper queues them within a minute.

export interface TOutboxRow extends TNewPayload {
  shard: number;
}

/** A row's id, and whether it was already stored (the same payload posted again). */
export interface TStored {
  id: string;
  duplicate: boolean;
}

interface Pending {
  rows: TOutboxRow[];
  resolve: (stored: TStored[]) => void;
  reject: (error: unknown) => void;
}

/** How long stored payloads gather before they are queued, and at most how many at once. */
const QUEUE_LINGER_MS = 50;
const MAX_PER_QUEUEING = 2000;

export class Outbox {
  private pending: Pending[] = [];
  private writing = 0;

  constructor(
    private readonly queueOf: (name: string) => TBulkQueue,
    private readonly opts = { maxRows: 2000, maxConcurrentWrites: 2 },
    private readonly log: Pick<Logger, "error"> = console,
  ) {}

  /** Stores the rows (resolves with their ids once durable) and queues the new RECEIVED ones. */
  write(rows: TOutboxRow[]): Promise<TStored[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.pending.length && this.writing < this.opts.maxConcurrentWrites) {
      const batch: Pending[] = [];
      let size = 0;
      while (this.pending.length && (size === 0 || size + (this.pending[0]?.rows.length ?? 0) <= this.opts.maxRows)) {
        const next = this.pending.shift() as Pending;
        size += next.rows.length;
        batch.push(next);
      }
      this.writing++;
      void this.flush(batch).finally(() => {
        this.writing--;
        this.drain();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const rows = batch.flatMap((p) => p.rows);
    let ids: string[];
    let duplicate: boolean[];
    try {
      ({ ids, duplicate } = await withPlatform((db) => storeOutbox(db, rows)));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    this.toQueue.push(
      ...ids.flatMap((id, i) => (rows[i]?.state === "RECEIVED" && !duplicate[i] ? [{ id, shard: rows[i]?.shard ?? 0 }] : [])),
    );
    this.scheduleQueueing();
    let at = 0;
    for (const p of batch) {
      p.resolve(ids.slice(at, at + p.rows.length).map((id, i) => ({ id, duplicate: duplicate[at + i] ?? false })));
      at += p.rows.length;
    }
  }

  private toQueue: { id: string; shard: number }[] = [];
  private queueTimer: NodeJS.Timeout | null = null;
  private queueing: Promise<void> | null = null;

  private scheduleQueueing(): void {
    if (this.toQueue.length >= MAX_PER_QUEUEING) void this.queueNow();
    else this.queueTimer ??= setTimeout(() => void this.queueNow(), QUEUE_LINGER_MS);
  }

  /** Queues what was stored (one queueing at a time; what comes meanwhile waits for the next). */
  private async queueNow(): Promise<void> {
    if (this.queueTimer) clearTimeout(this.queueTimer);
    this.queueTimer = null;
    if (this.queueing) return;
    const batch = this.toQueue.splice(0, MAX_PER_QUEUEING);
    if (!batch.length) return;
    this.queueing = (async () => {
      try {
        const queued = await enqueuePayloads(this.queueOf, batch);
        await withPlatform((db) => markQueued(db, queued));
      } catch (error) {
        this.log.error(`${batch.length} payloads stored but not queued (the sweeper will): ${(error as Error).message}`);
      }
    })();
    await this.queueing;
    this.queueing = null;
    if (this.toQueue.length) this.scheduleQueueing();
  }

  /** Queues what is left (graceful shutdown). */
  async close(): Promise<void> {
    while (this.writing || this.pending.length) await new Promise((r) => setTimeout(r, 5));
    while (this.queueing || this.toQueue.length) await (this.queueing ?? this.queueNow());
  }
}
