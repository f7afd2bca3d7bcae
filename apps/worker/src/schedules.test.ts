import { randomUUID } from "node:crypto";
import {
  SCHEDULES_CHANGED_CHANNEL,
  SCHEDULES_QUEUE,
  createSchedule,
  createTenant,
  jobs,
  nextCronRun,
  reconcileSchedules,
  ruleSchedulerId,
  scheduleSchedulerId,
  syncChange,
  syncSchedules,
  type TSchedulerEntry,
  updateSchedule,
} from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scheduleJobs, startScheduleSync } from "./schedules";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface LastRun {
  last_run_at: Date | null;
  last_status: string | null;
  last_result: { path?: string; output?: unknown; ruleId?: string; runId?: string | null } | null;
  last_error: string | null;
}

describe("schedules in the worker", () => {
  const prefix = `iot-test-sched-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(SCHEDULES_QUEUE, { connection, prefix });
  const runs = new Queue(jobs.runRule.queue, { connection, prefix });
  const schedules = scheduleJobs({ queues: new Map([[jobs.runRule.queue, runs]]) });
  let worker: Worker;
  let tenantId: string;
  let ownerId: string;

  beforeAll(async () => {
    const tenant = await withPlatform((db) => createTenant(db, { name: `sched-${randomUUID().slice(0, 8)}`, group: "commons" }));
    tenantId = tenant.id;
    ownerId = randomUUID();
    await withPlatform(async (db) => {
      await db.user.create({ data: { id: ownerId, email: `${ownerId}@example.test`, name: "owner", passwordHash: "x" } });
      await db.membership.create({ data: { tenantId, userId: ownerId, profiles: ["editor"] } });
    });
    // the worker's handlers, on a private prefix; other test files' tenants are left alone
    worker = new Worker(
      SCHEDULES_QUEUE,
      async (job: Job) => {
        if (job.data.tenantId !== tenantId) return "not this test's";
        if (job.name === jobs.runSchedule.name) return schedules.run(jobs.runSchedule.payload.parse(job.data), job);
        return schedules.runRule(jobs.runScheduledRule.payload.parse(job.data), job);
      },
      { connection, prefix, concurrency: 4 },
    );
  });

  afterAll(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await runs.obliterate({ force: true });
    await queue.close();
    await runs.close();
    connection.disconnect();
  });

  const create = (doc: Record<string, unknown>, owner: string | null = ownerId) =>
    withTenant(tenantId, (db) => createSchedule(db, doc, owner));
  const update = (id: string, patch: Record<string, unknown>) =>
    withTenant(tenantId, (db) => updateSchedule(db, { id, patch }, ownerId));
  const lastRun = async (id: string) =>
    (
      await withTenant(
        tenantId,
        (db) =>
          db.$queryRaw<LastRun[]>`SELECT last_run_at, last_status, last_result, last_error FROM schedules WHERE id = ${id}::uuid`,
      )
    )[0] as LastRun;
  const insertRule = async (when: Record<string, unknown>, enabled = true) => {
    const id = randomUUID();
    const trigger = JSON.stringify({ type: "schedule", when: { timezone: "UTC", ...when } });
    await withTenant(
      tenantId,
      (db) => db.$executeRaw`
        INSERT INTO rules (id, tenant_id, name, enabled, trigger, trigger_event, steps)
        VALUES (${id}::uuid, ${tenantId}::uuid, ${`rule-${id.slice(0, 8)}`}, ${enabled}, ${trigger}::jsonb, 'schedule', '[]'::jsonb)`,
    );
    return id;
  };
  const mine = async () => {
    const ids = new Set(
      (
        await withTenant(
          tenantId,
          (db) =>
            db.$queryRaw<{ key: string }[]>`
            SELECT 'schedule:' || id AS key FROM schedules UNION ALL SELECT 'rule:' || id FROM rules`,
        )
      ).map((r) => r.key),
    );
    return (await queue.getJobSchedulers(0, -1)).filter((s) => ids.has(s.key));
  };

  it("runs a schedule at its time (6-field cron), as its owner; a disabled one does not run", async () => {
    const action = { type: "api", path: "payloads.listDecoders" };
    const every2s = await create({ name: "every 2 s", when: { cron: "*/2 * * * * *" }, action });
    const disabled = await create({ name: "disabled", enabled: false, when: { cron: "* * * * * *" }, action });
    // disabled after its scheduler was made: the job still comes, but the run is refused
    const disabledLate = await create({ name: "disabled late", when: { cron: "* * * * * *" }, action });
    for (const s of [every2s, disabled, disabledLate]) await syncChange(queue, { tenantId, scheduleId: s.id });
    expect(await queue.getJobScheduler(scheduleSchedulerId(disabled.id))).toBeFalsy();
    expect(await queue.getJobScheduler(scheduleSchedulerId(every2s.id))).toMatchObject({ pattern: "*/2 * * * * *", tz: "UTC" });
    await update(disabledLate.id, { enabled: false });

    await expect.poll(async () => (await lastRun(every2s.id)).last_status, { timeout: 8_000, interval: 200 }).toBe("succeeded");
    const ran = await lastRun(every2s.id);
    expect(ran.last_error).toBeNull();
    expect(ran.last_result?.path).toBe("payloads.listDecoders");
    expect(Array.isArray(ran.last_result?.output)).toBe(true);
    // it keeps its time: at most one run per 2 s occurrence
    expect((ran.last_run_at as Date).getTime()).toBeGreaterThan(Date.now() - 5_000);

    await new Promise((r) => setTimeout(r, 1_500));
    expect(await lastRun(disabled.id)).toMatchObject({ last_run_at: null, last_status: null });
    expect(await lastRun(disabledLate.id)).toMatchObject({ last_run_at: null, last_status: null });
    // schedules.runNow's job runs a disabled one all the same
    await queue.add(jobs.runSchedule.name, { tenantId, scheduleId: disabled.id, manual: true });
    await expect.poll(async () => (await lastRun(disabled.id)).last_status, { timeout: 5_000 }).toBe("succeeded");

    // without an owner (a group's default), the API call fails, visibly
    const orphan = await create({ name: "no owner", when: { everySeconds: 3600 }, action }, null);
    await queue.add(jobs.runSchedule.name, { tenantId, scheduleId: orphan.id, manual: true });
    await expect.poll(async () => (await lastRun(orphan.id)).last_status, { timeout: 5_000 }).toBe("failed");
    expect((await lastRun(orphan.id)).last_error).toMatch(/owner/);

    await update(every2s.id, { enabled: false });
    await syncChange(queue, { tenantId, scheduleId: every2s.id });
    expect(await queue.getJobScheduler(scheduleSchedulerId(every2s.id))).toBeFalsy();
  });

  it("a rule action fires the rule and queues its run; a schedule-triggered rule has its own scheduler", async () => {
    const ruleId = await insertRule({ everySeconds: 3600 });
    const s = await create({ name: "fires a rule", when: { cron: "* * * * * *" }, action: { type: "rule", ruleId } });
    await syncChange(queue, { tenantId, scheduleId: s.id });
    await expect.poll(async () => (await lastRun(s.id)).last_result?.runId ?? null, { timeout: 6_000 }).not.toBeNull();
    await update(s.id, { enabled: false });
    await syncChange(queue, { tenantId, scheduleId: s.id });
    const runId = (await lastRun(s.id)).last_result?.runId as string;
    expect(await runs.getJob(runId)).toMatchObject({ name: jobs.runRule.name, data: { tenantId, runId } });
    const [run] = await withTenant(
      tenantId,
      (db) => db.$queryRaw<{ rule_id: string; event: string; event_key: string }[]>`
        SELECT rule_id, event, event_key FROM rule_runs WHERE id = ${runId}::uuid`,
    );
    expect(run).toMatchObject({ rule_id: ruleId, event: "schedule" });
    expect(run?.event_key).toMatch(new RegExp(`^schedule:${s.id}:\\d{4}-`));

    // a rule triggered by a schedule: `rule:<id>`, fired every second
    const everySecond = await insertRule({ cron: "* * * * * *" });
    await syncChange(queue, { tenantId, ruleId: everySecond });
    expect(await queue.getJobScheduler(ruleSchedulerId(everySecond))).toMatchObject({
      name: jobs.runScheduledRule.name,
      pattern: "* * * * * *",
      template: { data: { tenantId, ruleId: everySecond } },
    });
    const runsOf = async () =>
      (
        await withTenant(
          tenantId,
          (db) => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM rule_runs WHERE rule_id = ${everySecond}::uuid`,
        )
      )[0]?.n ?? 0;
    await expect.poll(runsOf, { timeout: 6_000 }).toBeGreaterThan(0);
    await withTenant(tenantId, (db) => db.$executeRaw`UPDATE rules SET enabled = false WHERE id = ${everySecond}::uuid`);
    await syncChange(queue, { tenantId, ruleId: everySecond });
    expect(await queue.getJobScheduler(ruleSchedulerId(everySecond))).toBeFalsy();
  });

  it("an updated schedule moves its job scheduler's pattern and next run; an unchanged timing is left alone", async () => {
    const s = await create({
      name: "moves",
      when: { cron: "0 9 * * *", timezone: "Europe/Paris" },
      action: { type: "api", path: "payloads.list" },
    });
    await syncChange(queue, { tenantId, scheduleId: s.id });
    const before = await queue.getJobScheduler(scheduleSchedulerId(s.id));
    expect(before).toMatchObject({
      pattern: "0 9 * * *",
      tz: "Europe/Paris",
      next: nextCronRun("0 9 * * *", "Europe/Paris").getTime(),
    });
    expect(before?.next).toBe(s.nextRunAt?.getTime());

    const moved = await update(s.id, { when: { cron: "30 18 * * *", timezone: "UTC" } });
    expect(moved.nextRunAt?.getTime()).not.toBe(s.nextRunAt?.getTime());
    expect(await syncChange(queue, { tenantId, scheduleId: s.id })).toEqual({ upserted: true, removed: false });
    const after = await queue.getJobScheduler(scheduleSchedulerId(s.id));
    expect(after).toMatchObject({ pattern: "30 18 * * *", tz: "UTC", next: moved.nextRunAt?.getTime() });

    // a new name: the timer stays as it is
    await update(s.id, { name: "moved" });
    expect(await syncChange(queue, { tenantId, scheduleId: s.id })).toEqual({ upserted: false, removed: false });
    expect((await queue.getJobScheduler(scheduleSchedulerId(s.id)))?.next).toBe(after?.next);

    // to an interval
    await update(s.id, { when: { everySeconds: 90 } });
    await syncChange(queue, { tenantId, scheduleId: s.id });
    const interval = await queue.getJobScheduler(scheduleSchedulerId(s.id));
    expect(interval).toMatchObject({ every: 90_000 });
    expect(interval?.pattern).toBeUndefined();

    // deleted: its scheduler goes
    await withTenant(tenantId, (db) => db.$executeRaw`DELETE FROM schedules WHERE id = ${s.id}::uuid`);
    expect(await syncChange(queue, { tenantId, scheduleId: s.id })).toMatchObject({ removed: true });
    expect(await queue.getJobScheduler(scheduleSchedulerId(s.id))).toBeFalsy();
  });

  it("after a restart each schedule exists exactly once in Redis; stale schedulers are removed, others kept", async () => {
    // this test's schedules and rules only
    await withTenant(tenantId, async (db) => {
      await db.$executeRaw`UPDATE schedules SET enabled = false`;
      await db.$executeRaw`UPDATE rules SET enabled = false`;
    });
    const a = await create({ name: "restart a", when: { cron: "0 3 * * *" }, action: { type: "api", path: "payloads.list" } });
    const b = await create({ name: "restart b", when: { everySeconds: 600 }, action: { type: "api", path: "payloads.list" } });
    const ruleId = await insertRule({ cron: "0 4 * * *" });
    await insertRule({ cron: "0 5 * * *" }, false);
    // left behind by a worker that stopped meanwhile: a deleted schedule, a deleted rule, an outdated timing
    const template = (name: string, data: object) => ({ name, data, opts: { attempts: 1 } });
    const stale = [scheduleSchedulerId(randomUUID()), ruleSchedulerId(randomUUID())];
    await queue.upsertJobScheduler(stale[0] as string, { every: 3_600_000 }, template(jobs.runSchedule.name, { tenantId }));
    await queue.upsertJobScheduler(
      stale[1] as string,
      { pattern: "0 1 * * *" },
      template(jobs.runScheduledRule.name, { tenantId }),
    );
    await queue.upsertJobScheduler(
      scheduleSchedulerId(a.id),
      { pattern: "0 2 * * *", tz: "UTC" },
      template(jobs.runSchedule.name, { tenantId, scheduleId: a.id }),
    );
    await queue.upsertJobScheduler("not-a-schedule", { every: 3_600_000 }, template("something-else", {}));

    const first = await reconcileSchedules(queue);
    expect(first.removed).toBeGreaterThanOrEqual(2);
    const second = await reconcileSchedules(queue);
    expect(second.removed).toBe(0);
    // a restarted worker: reconciles at start
    const sync = await startScheduleSync(queue, { redisUrl, everyMs: 60_000 });
    await sync.close();

    const keys = (await queue.getJobSchedulers(0, -1)).map((s) => s.key);
    const ours = (await mine()).map((s) => s.key);
    expect(ours.sort()).toEqual([scheduleSchedulerId(a.id), scheduleSchedulerId(b.id), ruleSchedulerId(ruleId)].sort());
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of stale) expect(keys).not.toContain(key);
    expect(keys).toContain("not-a-schedule");
    expect(await queue.getJobScheduler(scheduleSchedulerId(a.id))).toMatchObject({ pattern: "0 3 * * *" });
    expect(await queue.getJobScheduler(scheduleSchedulerId(b.id))).toMatchObject({ every: 600_000 });
    // already in step: nothing upserted again (which would move their next runs)
    const entry = (id: string, when: TSchedulerEntry["when"]): TSchedulerEntry => ({ kind: "schedule", id, tenantId, when });
    expect(
      await syncSchedules(queue, [
        entry(a.id, { cron: "0 3 * * *", timezone: "UTC" }),
        entry(b.id, { everySeconds: 600, timezone: "UTC" }),
      ]),
    ).toEqual({ upserted: 0 });
    await queue.removeJobScheduler("not-a-schedule");
    for (const s of [a, b]) await update(s.id, { enabled: false });
    await withTenant(tenantId, (db) => db.$executeRaw`UPDATE rules SET enabled = false WHERE id = ${ruleId}::uuid`);
    await reconcileSchedules(queue);
    expect(await mine()).toEqual([]);
  });

  it("syncs a schedule or a rule at once when the web process announces a change", async () => {
    const sync = await startScheduleSync(queue, { redisUrl, everyMs: 60_000 });
    const publisher = new Redis(redisUrl);
    try {
      const s = await create({ name: "announced", when: { cron: "15 * * * *" }, action: { type: "api", path: "payloads.list" } });
      await publisher.publish(SCHEDULES_CHANGED_CHANNEL, JSON.stringify({ tenantId, scheduleId: s.id }));
      await expect
        .poll(() => queue.getJobScheduler(scheduleSchedulerId(s.id)), { timeout: 3_000 })
        .toMatchObject({ pattern: "15 * * * *" });
      const ruleId = await insertRule({ everySeconds: 120 });
      await publisher.publish(SCHEDULES_CHANGED_CHANNEL, JSON.stringify({ tenantId, ruleId }));
      await expect
        .poll(() => queue.getJobScheduler(ruleSchedulerId(ruleId)), { timeout: 3_000 })
        .toMatchObject({ every: 120_000 });

      await withTenant(tenantId, (db) => db.$executeRaw`DELETE FROM schedules WHERE id = ${s.id}::uuid`);
      await withTenant(tenantId, (db) => db.$executeRaw`DELETE FROM rules WHERE id = ${ruleId}::uuid`);
      await publisher.publish(SCHEDULES_CHANGED_CHANNEL, "not json");
      await publisher.publish(SCHEDULES_CHANGED_CHANNEL, JSON.stringify({ tenantId, scheduleId: s.id }));
      await publisher.publish(SCHEDULES_CHANGED_CHANNEL, JSON.stringify({ tenantId, ruleId }));
      await expect.poll(() => queue.getJobScheduler(scheduleSchedulerId(s.id)), { timeout: 3_000 }).toBeFalsy();
      await expect.poll(() => queue.getJobScheduler(ruleSchedulerId(ruleId)), { timeout: 3_000 }).toBeFalsy();
    } finally {
      publisher.disconnect();
      await sync.close();
    }
  });
});
