import { serviceLogger } from "../observability/logger";
import type { AfterCommit } from "@iot/db";

// Domain events, typed. Core emits them once the transaction that caused them has
// committed; modules (and later the rules engine) subscribe in code. No string-named
// indirection: the map below is the whole list, with each event's payload.

export interface DomainEvents {
  "device.created": { deviceId: string; model: string; reference: string; tenantId: string | null };
  "device.attached": { deviceId: string; tenantId: string };
  "device.detached": { deviceId: string; tenantId: string };
  "device.linked": { deviceId: string; assetId: string; tenantId: string; measures: { device: string; asset: string }[] };
  "device.unlinked": { deviceId: string; assetId: string; tenantId: string };
  "asset.created": { assetId: string; tenantId: string; model: string; reference: string };
  "asset.updated": { assetId: string; tenantId: string; changed: string[] };
  "asset.deleted": { assetId: string; tenantId: string; model: string; reference: string };
  "measures.processed": {
    tenantId: string;
    source: { kind: "device" | "api" | "computed"; id: string; model: string; reference: string };
    assetId: string | null;
    measures: { name: string; slot: string | null; type: string; measuredAt: Date; values: Record<string, unknown> }[];
    /** Asset slots whose last measure changed. */
    updatedSlots: string[];
  };
}

export type DomainEventName = keyof DomainEvents;
type Listener<E extends DomainEventName> = (payload: DomainEvents[E]) => unknown;

const listeners = new Map<DomainEventName, Set<Listener<DomainEventName>>>();

/** Subscribes; returns the function that unsubscribes. */
export function onDomainEvent<E extends DomainEventName>(event: E, listener: Listener<E>): () => void {
  const set = listeners.get(event) ?? new Set();
  set.add(listener as Listener<DomainEventName>);
  listeners.set(event, set);
  return () => set.delete(listener as Listener<DomainEventName>);
}

/** Queues the event on the transaction: listeners run after it commits, never if it rolls back. */
export function emitAfterCommit<E extends DomainEventName>(db: AfterCommit, event: E, payload: DomainEvents[E]): void {
  db.afterCommit(async () => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        await listener(payload);
      } catch (error) {
        serviceLogger().error({ err: error, event }, "event listener failed");
      }
    }
  });
}
