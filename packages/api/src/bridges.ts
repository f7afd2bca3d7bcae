import {
  type DomainEvents,
  type TAlertView,
  type TEventRef,
  alertEvent,
  alertsChannel,
  jobs,
  liveChannel,
  liveMessage,
  measureEvents,
  onDomainEvent,
} from "@iot/core";
import type { AfterCommit } from "@iot/db";
import { announceScheduleChanged, redis, rulesQueue } from "./queues";

// What the web process forwards of the domain events its procedures cause: measures
// pushed through the API go live (the worker publishes the pipeline's), and events rules
// can trigger on go to the rules queue, gathered for a few milliseconds into one job per
// tenant. Started by the web app's route handler (and tests); the worker, which calls
// procedures for rules, does not start them.

let started = false;

const pending = new Map<string, TEventRef[]>();
let flushScheduled = false;

function feed(tenantId: string, events: TEventRef[]) {
  if (!events.length) return;
  pending.set(tenantId, [...(pending.get(tenantId) ?? []), ...events]);
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(() => void flush(), 20);
}

async function flush() {
  flushScheduled = false;
  const batches = [...pending.entries()];
  pending.clear();
  try {
    await rulesQueue().addBulk(
      batches.map(([tenantId, events]) => ({
        name: jobs.evaluateRules.name,
        data: { tenantId, events },
        opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 3, backoff: { type: "exponential", delay: 1000 } },
      })),
    );
  } catch (error) {
    console.error("rules feed: events not queued:", (error as Error).message);
  }
}

const now = () => new Date().toISOString();
const twinEvent = (event: string, key: string, deviceId: string | null, assetId: string | null, data = {}): TEventRef => ({
  event,
  key,
  at: now(),
  deviceId,
  assetId,
  data,
});

export function startEventBridges(): void {
  if (started) return;
  started = true;
  onDomainEvent("measures.processed", async (event: DomainEvents["measures.processed"]) => {
    const { tenantId, source, assetId, measures } = event;
    feed(
      tenantId,
      measureEvents({ deviceId: source.kind === "device" ? source.id : null, assetId, originId: source.id, measures }),
    );
    const message = liveMessage({ tenantId, payloadIds: [], devices: [{ ...source, assetId, measures }] });
    await redis().publish(liveChannel(tenantId), JSON.stringify(message));
  });
  onDomainEvent("device.linked", (e) =>
    feed(e.tenantId, [twinEvent("device.linked", `linked:${e.deviceId}:${now()}`, e.deviceId, e.assetId)]),
  );
  onDomainEvent("device.unlinked", (e) =>
    feed(e.tenantId, [twinEvent("device.unlinked", `unlinked:${e.deviceId}:${now()}`, e.deviceId, e.assetId)]),
  );
  onDomainEvent("asset.created", (e) => feed(e.tenantId, [twinEvent("asset.created", `created:${e.assetId}`, null, e.assetId)]));
  onDomainEvent("asset.updated", (e) =>
    feed(e.tenantId, [twinEvent("asset.updated", `updated:${e.assetId}:${now()}`, null, e.assetId, { changed: e.changed })]),
  );
}

/** An alert changed by a user: live in the console, and an event for rules once committed. */
export function announceAlert(db: AfterCommit & { tenantId: string }, type: "acknowledged" | "cleared", alert: TAlertView): void {
  db.afterCommit(async () => {
    await redis().publish(alertsChannel(db.tenantId), JSON.stringify({ type, alert }));
    if (type === "cleared") feed(db.tenantId, [alertEvent("alert.cleared", alert, 0)]);
  });
}

/** A rule changed: the worker keeps the timers of schedule-triggered rules in step. */
export function announceRulesChanged(db: AfterCommit & { tenantId: string }, rule: { id: string }): void {
  announceScheduleChanged(db, { tenantId: db.tenantId, ruleId: rule.id });
}
