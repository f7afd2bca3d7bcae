import { serviceLogger } from "../observability/logger";
import { withPlatform, withTenant } from "@iot/db";
import type { JobSchedulerJson, Queue } from "bullmq";
import { z } from "zod";
import { jobs } from "../jobs/definitions";
import type { TWhen } from "../rules/triggers";

export { SCHEDULES_CHANGED_CHANNEL } from "../rules/event-ref";

// The BullMQ side of schedules, independent of the web process: one job scheduler per
// enabled schedule (`schedule:<id>`) and per enabled schedule-triggered rule (`rule:<id>`)
// on the schedules queue. The database is the truth: reconcile upserts what it holds and
// removes the schedulers it no longer does; a change is synced at once through a Redis
// message from whoever made it.

export const SCHEDULES_QUEUE = jobs.runSchedule.queue;
/** What is published on SCHEDULES_CHANGED_CHANNEL after a schedule or a rule changed. */
export const ZScheduleChange = z
  .object({ tenantId: z.string().uuid(), scheduleId: z.string().uuid().optional(), ruleId: z.string().uuid().optional() })
  .refine((c) => (c.scheduleId === undefined) !== (c.ruleId === undefined), "give scheduleId or ruleId");
export type TScheduleChange = z.output<typeof ZScheduleChange>;

export const scheduleSchedulerId = (scheduleId: string) => `schedule:${scheduleId}`;
export const ruleSchedulerId = (ruleId: string) => `rule:${ruleId}`;
const OURS = /^(schedule|rule):/;

/** What one job scheduler should be. */
export interface TSchedulerEntry {
  kind: "schedule" | "rule";
  /** The schedule's or the rule's id. */
  id: string;
  tenantId: string;
  when: { cron?: string | null; timezone: string; everySeconds?: number | null };
}

const schedulerIdOf = (e: Pick<TSchedulerEntry, "kind" | "id">) =>
  e.kind === "schedule" ? scheduleSchedulerId(e.id) : ruleSchedulerId(e.id);

function templateOf(e: TSchedulerEntry) {
  return e.kind === "schedule"
    ? { name: jobs.runSchedule.name, data: { tenantId: e.tenantId, scheduleId: e.id } as Record<string, string> }
    : { name: jobs.runScheduledRule.name, data: { tenantId: e.tenantId, ruleId: e.id } as Record<string, string> };
}

const repeatOf = (when: TSchedulerEntry["when"]) =>
  when.cron ? { pattern: when.cron, tz: when.timezone } : { every: (when.everySeconds ?? 0) * 1000 };

/** A missed occurrence is not run late twice: no retries, the next one comes. */
const JOB_OPTIONS = { attempts: 1, removeOnComplete: 100, removeOnFail: 500 };

/** Whether the scheduler in Redis already is what the entry asks (upserting it again would move its next run). */
function sameScheduler(existing: JobSchedulerJson | null | undefined, e: TSchedulerEntry): boolean {
  if (!existing) return false;
  const repeat = repeatOf(e.when);
  const template = templateOf(e);
  const data = (existing.template?.data ?? {}) as Record<string, unknown>;
  return (
    existing.name === template.name &&
    (existing.pattern ?? undefined) === ("pattern" in repeat ? repeat.pattern : undefined) &&
    (existing.tz ?? undefined) === ("tz" in repeat ? repeat.tz : undefined) &&
    (existing.every === undefined ? undefined : Number(existing.every)) === ("every" in repeat ? repeat.every : undefined) &&
    Object.entries(template.data).every(([k, v]) => data[k] === v) &&
    Object.keys(data).length === Object.keys(template.data).length
  );
}

async function upsert(queue: Queue, e: TSchedulerEntry, existing?: JobSchedulerJson | null): Promise<boolean> {
  const id = schedulerIdOf(e);
  const current = existing === undefined ? await queue.getJobScheduler(id) : existing;
  if (sameScheduler(current, e)) return false;
  // changed timing: the scheduler is made anew, so the next run follows the new timing
  if (current) await queue.removeJobScheduler(id);
  await queue.upsertJobScheduler(id, repeatOf(e.when), { ...templateOf(e), opts: JOB_OPTIONS });
  return true;
}

/** One entry in step: upserted when enabled (left alone when already right), removed when not (or gone). */
export async function syncOne(queue: Queue, entry: TSchedulerEntry | { kind: "schedule" | "rule"; id: string; removed: true }) {
  if ("removed" in entry) return { upserted: false, removed: await queue.removeJobScheduler(schedulerIdOf(entry)) };
  return { upserted: await upsert(queue, entry), removed: false };
}

/** These entries in step (enabled ones; nothing else removed). */
export async function syncSchedules(queue: Queue, list: TSchedulerEntry[]): Promise<{ upserted: number }> {
  const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
  let upserted = 0;
  for (const e of list) if (await upsert(queue, e, existing.get(schedulerIdOf(e)) ?? null)) upserted++;
  return { upserted };
}

interface ScheduleWhenRow {
  id: string;
  tenant_id: string;
  cron: string | null;
  timezone: string;
  every_seconds: number | null;
}

const scheduleEntry = (r: ScheduleWhenRow): TSchedulerEntry => ({
  kind: "schedule",
  id: r.id,
  tenantId: r.tenant_id,
  when: { cron: r.cron, timezone: r.timezone, everySeconds: r.every_seconds },
});

interface RuleTriggerRow {
  id: string;
  tenant_id: string;
  trigger: { type: string; when?: TWhen };
}

const ruleEntry = (r: RuleTriggerRow): TSchedulerEntry | null =>
  r.trigger.type === "schedule" && r.trigger.when
    ? { kind: "rule", id: r.id, tenantId: r.tenant_id, when: r.trigger.when }
    : null;

/**
 * Every tenant's enabled schedules and schedule-triggered rules made job schedulers, and
 * the `schedule:` and `rule:` schedulers the database no longer holds removed. Redis is
 * read before the database, so a scheduler made meanwhile for a newer row is never taken
 * for a stale one.
 */
export async function reconcileSchedules(queue: Queue): Promise<{ upserted: number; removed: number; total: number }> {
  const before = (await queue.getJobSchedulers(0, -1)).filter((s) => OURS.test(s.key));
  const wanted = await withPlatform(async (db) => {
    const schedules = await db.$queryRaw<ScheduleWhenRow[]>`
      SELECT id, tenant_id, cron, timezone, every_seconds FROM schedules WHERE enabled`;
    const rules = await db.$queryRaw<RuleTriggerRow[]>`
      SELECT id, tenant_id, trigger FROM rules WHERE enabled AND trigger_event = 'schedule'`;
    return [...schedules.map(scheduleEntry), ...rules.flatMap((r) => ruleEntry(r) ?? [])];
  });
  const existing = new Map(before.map((s) => [s.key, s]));
  const keep = new Set(wanted.map(schedulerIdOf));
  let upserted = 0;
  let removed = 0;
  for (const e of wanted) {
    // one bad entry (a cron saved before it was checked, a timezone gone) is skipped, not the rest
    try {
      if (await upsert(queue, e, existing.get(schedulerIdOf(e)) ?? null)) upserted++;
    } catch (error) {
      serviceLogger().error(`schedules: ${schedulerIdOf(e)} not scheduled: ${(error as Error).message}`);
    }
  }
  for (const s of before) if (!keep.has(s.key) && (await queue.removeJobScheduler(s.key))) removed++;
  return { upserted, removed, total: wanted.length };
}

/** One change (a schedule or a rule of a tenant) synced from the database. */
export async function syncChange(queue: Queue, change: TScheduleChange) {
  if (change.scheduleId) {
    const id = change.scheduleId;
    const [row] = await withTenant(
      change.tenantId,
      (db) => db.$queryRaw<(ScheduleWhenRow & { enabled: boolean })[]>`
        SELECT id, tenant_id, cron, timezone, every_seconds, enabled FROM schedules WHERE id = ${id}::uuid`,
    );
    return syncOne(queue, row?.enabled ? scheduleEntry(row) : { kind: "schedule", id, removed: true });
  }
  const id = change.ruleId as string;
  const [row] = await withTenant(
    change.tenantId,
    (db) => db.$queryRaw<(RuleTriggerRow & { enabled: boolean })[]>`
      SELECT id, tenant_id, trigger, enabled FROM rules WHERE id = ${id}::uuid`,
  );
  const entry = row?.enabled ? ruleEntry(row) : null;
  return syncOne(queue, entry ?? { kind: "rule", id, removed: true });
}
