import {
  type TAlertView,
  alertEvent,
  alertsChannel,
  forwardDomainEvents,
  liveChannel,
  liveMessage,
  onDomainEvent,
  rulesFeed,
  rulesVersionKey,
} from "@iot/core";
import type { AfterCommit } from "@iot/db";
import { announceScheduleChanged, redis, rulesQueue } from "./queues";

// What the web process forwards of the domain events its procedures cause: measures
// pushed through the API go live (the worker publishes the pipeline's), and events rules
// can trigger on go to the rules queue, gathered for a few milliseconds into one job per
// tenant. Started by the web app's route handler (and tests); the worker, which calls
// procedures for rules, does not start them.

let started = false;
const feed = rulesFeed(rulesQueue);

export function startEventBridges(): void {
  if (started) return;
  started = true;
  forwardDomainEvents(feed, { onlyInRuns: false });
  onDomainEvent("measures.processed", async ({ tenantId, source, assetId, measures }) => {
    const message = liveMessage({ tenantId, payloadIds: [], devices: [{ ...source, assetId, measures }] });
    await redis().publish(liveChannel(tenantId), JSON.stringify(message));
  });
}

/** An alert changed by a user: live in the console, and an event for rules once committed. */
export function announceAlert(db: AfterCommit & { tenantId: string }, type: "acknowledged" | "cleared", alert: TAlertView): void {
  db.afterCommit(async () => {
    await redis().publish(alertsChannel(db.tenantId), JSON.stringify({ type, alert }));
    if (type === "cleared") feed(db.tenantId, [alertEvent("alert.cleared", alert, 0)]);
  });
}

/**
 * A rule changed: the tenant's rules version goes up (workers rebuild their index of its
 * rules at the next event), and the worker keeps the timers of schedule-triggered rules in
 * step. Done once committed, before the caller gets its answer: an event it sends next
 * meets the rule as saved.
 */
export function announceRulesChanged(db: AfterCommit & { tenantId: string }, rule: { id: string }): void {
  db.afterCommit(async () => {
    await redis().incr(rulesVersionKey(process.env.QUEUE_PREFIX ?? "iot", db.tenantId));
  });
  announceScheduleChanged(db, { tenantId: db.tenantId, ruleId: rule.id });
}
