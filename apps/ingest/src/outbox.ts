import { type TBulkQueue, type TNewPayload, enqueuePayloads, markQueued, storeOutbox } from "@iot/core";
import { withPlatform } from "@iot/db";

// Group commit for the payload outbox: concurrent requests' payloads are stored in one
// multi-row insert, queued with one addBulk per shard and marked queued in one update.
// Nothing waits for a timer: an idle outbox writes at once, and while a write is under
// way the next requests gather for the following one, so batches grow with the load.

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

export class Outbox {
  private pending: Pending[] = [];
  private pendingRows = 0;
  private writing = 0;

  constructor(
    private readonly queueOf: (name: string) => TBulkQueue,
    private readonly opts = { maxRows: 2000, maxConcurrentWrites: 2 },
  ) {}

  /** Stores the rows (resolves with their ids once durable) and queues the new RECEIVED ones. */
  write(rows: TOutboxRow[]): Promise<TStored[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.pendingRows += rows.length;
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
      this.pendingRows -= size;
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
    // stored is accepted: if queueing fails now (Redis down), the sweeper queues them later
    try {
      const toQueue = ids.flatMap((id, i) =>
        rows[i]?.state === "RECEIVED" && !duplicate[i] ? [{ id, shard: rows[i]?.shard ?? 0 }] : [],
      );
      if (toQueue.length) {
        const queued = await enqueuePayloads(this.queueOf, toQueue);
        await withPlatform((db) => markQueued(db, queued));
      }
    } catch (error) {
      console.error(`ingest: ${ids.length} payloads stored but not queued (the sweeper will): ${(error as Error).message}`);
    }
    let at = 0;
    for (const p of batch) {
      p.resolve(ids.slice(at, at + p.rows.length).map((id, i) => ({ id, duplicate: duplicate[at + i] ?? false })));
      at += p.rows.length;
    }
  }

  /** Payloads waiting for a write, for health and back-pressure. */
  get backlog(): number {
    return this.pendingRows;
  }
}
