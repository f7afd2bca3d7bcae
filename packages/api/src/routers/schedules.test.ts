import { randomUUID } from "node:crypto";
import { type AppError, SCHEDULES_CHANGED_CHANNEL, SCHEDULES_QUEUE, nextCronRun, registerTenantGroup } from "@iot/core";
import { withPlatform, withTenant } from "@iot/db";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { callByPath } from "../procedures";
import { closeSchedulesQueue } from "../queues";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";
import { createCallerFactory, createRouter } from "../trpc";
import { schedulesRouter } from "./schedules";

// The schedules router on its own (the tests do not depend on root.ts wiring it).
const createCaller = createCallerFactory(createRouter({ schedules: schedulesRouter }));
const schedulesAs = (token: string, tenantId: string | null) => createCaller(createInnerContext({ token, tenantId })).schedules;

const issuePaths = (error: { cause?: unknown }) =>
  ((error.cause as AppError).details.issues ?? []).map((i: { path: string }) => i.path);

const nightly = { cron: "0 9 * * 1-5", timezone: "Europe/Paris" };
const listDecoders = { type: "api" as const, path: "payloads.listDecoders" };

async function insertRule(tenantId: string): Promise<string> {
  const id = randomUUID();
  await withTenant(
    tenantId,
    (db) => db.$executeRaw`
      INSERT INTO rules (id, tenant_id, name, trigger, trigger_event, steps)
      VALUES (${id}::uuid, ${tenantId}::uuid, ${`rule-${id.slice(0, 8)}`},
        '{"type":"schedule","when":{"everySeconds":60,"timezone":"UTC"}}'::jsonb, 'schedule', '[]'::jsonb)`,
  );
  return id;
}

describe("schedules", () => {
  let admin: Awaited<ReturnType<typeof signedInPlatformAdmin>>;
  let tenantId: string;
  let otherId: string;
  const messages: unknown[] = [];
  const subscriber = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

  beforeAll(async () => {
    admin = await signedInPlatformAdmin();
    tenantId = (await newTenant(admin)).id;
    otherId = (await newTenant(admin)).id;
    subscriber.on("message", (_channel: string, text: string) => messages.push(JSON.parse(text)));
    await subscriber.subscribe(SCHEDULES_CHANGED_CHANNEL);
  });
  afterAll(async () => {
    subscriber.disconnect();
    await closeSchedulesQueue();
  });

  it("creates, presents (humanized, next run, owner), lists, updates and deletes a schedule, announcing each change", async () => {
    const api = schedulesAs(admin.token, tenantId);
    const created = await api.create({ name: "Morning report", when: nightly, action: listDecoders });
    expect(created).toMatchObject({
      name: "Morning report",
      description: "",
      enabled: true,
      when: nightly,
      action: listDecoders,
      ownerId: admin.user.id,
      fromDefault: null,
      version: 1,
      lastRun: null,
    });
    expect(created.humanized).toBe("At 09:00, Monday through Friday (Europe/Paris)");
    const expectedNext = nextCronRun(nightly.cron, nightly.timezone);
    expect(created.nextRunAt?.toISOString()).toBe(expectedNext.toISOString());
    // 09:00 in Paris is 07:00 or 08:00 UTC
    expect([7, 8]).toContain(created.nextRunAt?.getUTCHours());

    expect(await api.get({ id: created.id })).toMatchObject({ id: created.id, humanized: created.humanized });
    const fast = await api.create({ name: "Every two seconds", when: { cron: "*/2 * * * * *" }, action: listDecoders });
    expect(fast.humanized).toBe("Every 2 seconds (UTC)");
    const listed = await api.list({});
    expect(listed.total).toBe(2);
    expect(listed.items.map((s) => s.name)).toEqual(["Every two seconds", "Morning report"]);
    expect((await api.list({ text: "morning" })).items.map((s) => s.id)).toEqual([created.id]);

    // an update moves the next run; patches are merged and checked whole
    const moved = await api.update({ id: created.id, patch: { when: { cron: "30 18 * * *", timezone: "UTC" } } });
    expect(moved).toMatchObject({ version: 2, name: "Morning report", when: { cron: "30 18 * * *", timezone: "UTC" } });
    expect(moved.nextRunAt?.toISOString()).not.toBe(created.nextRunAt?.toISOString());
    expect(moved.nextRunAt?.getUTCHours()).toBe(18);
    expect(moved.humanized).toBe("At 18:30 (UTC)");
    const interval = await api.update({ id: created.id, patch: { when: { everySeconds: 300 } } });
    expect(interval.when).toEqual({ timezone: "UTC", everySeconds: 300 });
    expect(interval.humanized).toBe("every 5 minutes");
    expect(Math.abs((interval.nextRunAt?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    const disabled = await api.update({ id: created.id, patch: { enabled: false }, expectedVersion: 3 });
    expect(disabled).toMatchObject({ enabled: false, nextRunAt: null, version: 4 });
    await expectCode(api.update({ id: created.id, patch: { enabled: true }, expectedVersion: 3 }), "CONFLICT");
    await expectCode(api.create({ name: "Morning report", when: nightly, action: listDecoders }), "CONFLICT");

    expect(await api.delete({ id: created.id })).toEqual({ id: created.id, name: "Morning report" });
    await expectCode(api.get({ id: created.id }), "NOT_FOUND");
    await expectCode(api.delete({ id: created.id }), "NOT_FOUND");

    await expect.poll(() => messages.filter((m) => (m as { scheduleId?: string }).scheduleId === created.id).length).toBe(5);
    expect(messages).toContainEqual({ tenantId, scheduleId: created.id });
    await api.delete({ id: fast.id });
  });

  it("refuses bad documents with BAD_REQUEST naming the field", async () => {
    const api = schedulesAs(admin.token, tenantId);
    const bad = async (doc: Record<string, unknown>, path: string) => {
      const error = await expectCode(api.create({ name: "bad", action: listDecoders, ...doc } as never), "BAD_REQUEST");
      expect(issuePaths(error)).toContain(path);
    };
    await bad({ when: { cron: "61 * * * *" } }, "when.cron");
    await bad({ when: { cron: "*/0 * * * *" } }, "when.cron");
    await bad({ when: { cron: "0 0 31 2 *" } }, "when.cron");
    await bad({ when: { cron: "a b c d e" } }, "when.cron");
    await bad({ when: { cron: "* * * *" } }, "when.cron");
    await bad({ when: { cron: "* * * * *", everySeconds: 5 } }, "when.cron");
    await bad({ when: {} }, "when.cron");
    await bad({ when: { cron: "* * * * *", timezone: "Mars/Olympus" } }, "when.timezone");
    await bad({ when: { everySeconds: 0 } }, "when.everySeconds");
    await bad({ when: { everySeconds: 5 }, name: "" }, "name");
    await bad({ when: { everySeconds: 5 }, action: { type: "api", path: "auth.login" } }, "action.path");
    await bad({ when: { everySeconds: 5 }, action: { type: "shell" } }, "action.type");
    await bad({ when: { everySeconds: 5 }, action: { type: "rule", ruleId: "nope" } }, "action.ruleId");

    // a rule of another tenant is no rule here
    const foreign = await insertRule(otherId);
    const notHere = await expectCode(
      api.create({ name: "foreign", when: { everySeconds: 60 }, action: { type: "rule", ruleId: foreign } }),
      "BAD_REQUEST",
    );
    expect(issuePaths(notHere)).toEqual(["action.ruleId"]);
    const ruleId = await insertRule(tenantId);
    const ruled = await api.create({ name: "runs a rule", when: { everySeconds: 60 }, action: { type: "rule", ruleId } });
    expect(ruled.action).toEqual({ type: "rule", ruleId });

    // an update is checked whole too
    const error = await expectCode(api.update({ id: ruled.id, patch: { when: { cron: "99 * * * *" } } }), "BAD_REQUEST");
    expect(issuePaths(error)).toEqual(["when.cron"]);
    expect(await api.get({ id: ruled.id })).toMatchObject({ version: 1, when: { everySeconds: 60 } });
    await api.delete({ id: ruled.id });
  });

  it("runNow puts a run of the schedule on the worker's queue", async () => {
    const api = schedulesAs(admin.token, tenantId);
    const s = await api.create({ name: "manual", enabled: false, when: { everySeconds: 3600 }, action: listDecoders });
    const { id, jobId } = await api.runNow({ id: s.id });
    expect(id).toBe(s.id);
    const queue = new Queue(SCHEDULES_QUEUE, {
      connection: { url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
      prefix: process.env.QUEUE_PREFIX ?? "iot",
    });
    try {
      const job = await queue.getJob(jobId);
      expect(job).toMatchObject({ name: "run-schedule", data: { tenantId, scheduleId: s.id, manual: true } });
      await job?.remove();
    } finally {
      await queue.close();
    }
    await expectCode(api.runNow({ id: randomUUID() }), "NOT_FOUND");
    await api.delete({ id: s.id });
  });

  it("every procedure refuses a member of another tenant; a viewer reads but cannot write", async () => {
    const api = schedulesAs(admin.token, tenantId);
    const s = await api.create({ name: "guarded", when: { everySeconds: 60 }, action: listDecoders });
    const outsider = await signedInMember(admin, otherId, ["admin"]);
    const viewer = await signedInMember(admin, tenantId, ["viewer"]);
    const inputs: Record<string, unknown> = {
      create: { name: "intruder", when: { everySeconds: 60 }, action: listDecoders },
      update: { id: s.id, patch: { enabled: false } },
      delete: { id: s.id },
      get: { id: s.id },
      list: {},
      runNow: { id: s.id },
    };
    const procedures = Object.keys(schedulesRouter._def.record);
    expect(procedures.sort()).toEqual(Object.keys(inputs).sort());
    for (const name of procedures) {
      await expectCode(callByPath(schedulesAs(outsider.token, tenantId), name, inputs[name]), "FORBIDDEN");
      // in their own tenant, the schedule is not there
      if (name === "get") await expectCode(callByPath(schedulesAs(outsider.token, otherId), name, inputs[name]), "NOT_FOUND");
    }
    expect((await schedulesAs(outsider.token, otherId).list({})).items).toEqual([]);
    for (const name of ["create", "update", "delete", "runNow"])
      await expectCode(callByPath(schedulesAs(viewer.token, tenantId), name, inputs[name]), "FORBIDDEN");
    expect(await schedulesAs(viewer.token, tenantId).get({ id: s.id })).toMatchObject({ id: s.id, version: 1 });
    expect((await schedulesAs(viewer.token, tenantId).list({})).items.map((x) => x.id)).toContain(s.id);
    await api.delete({ id: s.id });
  });

  it("a new tenant of a group that declares default schedules starts with them; deleting it deletes them", async () => {
    const group = `sched_${randomUUID().slice(0, 8)}`;
    registerTenantGroup({
      name: group,
      label: "Scheduled",
      description: "a group with default schedules",
      defaultSchedules: [
        { name: "Hourly check", when: { cron: "0 * * * *" }, action: listDecoders },
        { name: "Paused", enabled: false, when: { everySeconds: 600 }, action: listDecoders },
      ],
    });
    const tenant = await newTenant(admin, group);
    const { items } = await schedulesAs(admin.token, tenant.id).list({});
    expect(items).toEqual([
      expect.objectContaining({
        name: "Hourly check",
        fromDefault: "Hourly check",
        ownerId: null,
        enabled: true,
        humanized: "Every hour (UTC)",
      }),
      expect.objectContaining({ name: "Paused", fromDefault: "Paused", ownerId: null, enabled: false, nextRunAt: null }),
    ]);
    await admin.as().tenants.delete({ id: tenant.id });
    const left = await withPlatform(
      (db) => db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM schedules WHERE tenant_id = ${tenant.id}::uuid`,
    );
    expect(left[0]?.n).toBe(0);
  });
});
