import { serviceLogger } from "../observability/logger";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Queue } from "bullmq";
import { onDomainEvent } from "../events/bus";
import { jobs } from "../jobs/definitions";
import { MAX_RULE_DEPTH, measureEvents, type TEventRef } from "./event-ref";

// Domain events to the rules queue. Each process that changes twins forwards what rules can
// trigger on: the web process for its procedures, the worker for what rule runs do
// (computed measures, metadata set, API calls). Events are gathered for a few
// milliseconds into one evaluation job per tenant.
//
// Inside a rule run, the run's depth is known (AsyncLocalStorage): what the run causes is
// one link further, and a chain of rules feeding each other stops at MAX_RULE_DEPTH.
// Outside a run (the web process), events start chains at depth 0.

const runDepth = new AsyncLocalStorage<{ depth: number | undefined }>();

/** Runs fn as part of a rule run whose depth it sets once known (what commits after fn is still part of it). */
export const inRuleRun = <T>(fn: (setDepth: (depth: number) => void) => Promise<T>): Promise<T> => {
  const store: { depth: number | undefined } = { depth: undefined };
  return runDepth.run(store, () =>
    fn((depth) => {
      store.depth = depth;
    }),
  );
};

/** The depth of the rule run this code is part of, if any. */
export const currentRuleDepth = (): number | undefined => runDepth.getStore()?.depth;

export function rulesFeed(queue: () => Queue) {
  const pending = new Map<string, TEventRef[]>();
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batches = [...pending.entries()];
    pending.clear();
    try {
      await queue().addBulk(
        batches.map(([tenantId, events]) => ({
          name: jobs.evaluateRules.name,
          data: { tenantId, events },
          opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 3, backoff: { type: "exponential", delay: 1000 } },
        })),
      );
    } catch (error) {
      serviceLogger().error(`rules feed: events not queued: ${(error as Error).message}`);
    }
  };
  return (tenantId: string, events: TEventRef[]) => {
    if (!events.length) return;
    pending.set(tenantId, [...(pending.get(tenantId) ?? []), ...events]);
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => void flush(), 20);
  };
}

/**
 * Forwards twin events and measures to `feed`. `onlyInRuns`: only those caused by a rule
 * run (the worker, whose pipeline hands its measures over itself), one link deeper.
 */
export function forwardDomainEvents(
  feed: (tenantId: string, events: TEventRef[]) => void,
  opts: { onlyInRuns: boolean },
): () => void {
  // once per process: where web and worker share one (tests), events are forwarded once
  if (forwarding) return () => {};
  forwarding = true;
  const depth = (): number | null => {
    const d = currentRuleDepth();
    if (d === undefined) return opts.onlyInRuns ? null : 0;
    return d + 1 > MAX_RULE_DEPTH ? null : d + 1;
  };
  const send = (tenantId: string, make: (depth: number) => TEventRef[]) => {
    const d = depth();
    if (d !== null) feed(tenantId, make(d));
  };
  const at = () => new Date().toISOString();
  const twin =
    (event: string, key: string, deviceId: string | null, assetId: string | null, data = {}) =>
    (d: number) => [{ event, key, at: at(), deviceId, assetId, data, depth: d }];
  const offs = [
    onDomainEvent("measures.processed", ({ tenantId, source, assetId, measures }) =>
      send(tenantId, (d) =>
        measureEvents({ deviceId: source.kind === "device" ? source.id : null, assetId, originId: source.id, measures }).map(
          (e) => ({ ...e, depth: d }),
        ),
      ),
    ),
    onDomainEvent("device.linked", (e) =>
      send(e.tenantId, twin("device.linked", `linked:${e.deviceId}:${at()}`, e.deviceId, e.assetId)),
    ),
    onDomainEvent("device.unlinked", (e) =>
      send(e.tenantId, twin("device.unlinked", `unlinked:${e.deviceId}:${at()}`, e.deviceId, e.assetId)),
    ),
    onDomainEvent("asset.created", (e) => send(e.tenantId, twin("asset.created", `created:${e.assetId}`, null, e.assetId))),
    onDomainEvent("asset.updated", (e) =>
      send(e.tenantId, twin("asset.updated", `updated:${e.assetId}:${at()}`, null, e.assetId, { changed: e.changed })),
    ),
  ];
  return () => {
    for (const off of offs) off();
    forwarding = false;
  };
}

let forwarding = false;
