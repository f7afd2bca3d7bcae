import {
  ZScheduleDocument,
  ZScheduleIdSchema,
  ZScheduleListSchema,
  ZScheduleUpdateSchema,
  assertMayDelegate,
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
} from "@iot/core";
import { announceScheduleChanged, enqueueScheduleRun } from "../queues";
import { createRouter, tenantProcedure } from "../trpc";

export const schedulesRouter = createRouter({
  /** A schedule: when (cron in a timezone, or every N seconds) and an action (a rule, or an API call as you). */
  create: tenantProcedure("schedules:write")
    .input(ZScheduleDocument)
    .mutation(async ({ ctx, input }) => {
      const schedule = await createSchedule(ctx.db, input, ctx.principal.userId);
      assertMayDelegate(ctx.principal, schedule.action.type === "api");
      announceScheduleChanged(ctx.db, { tenantId: ctx.db.tenantId, scheduleId: schedule.id });
      return schedule;
    }),
  /** Changes fields of a schedule (checked whole); you become its owner (its API calls run with your permissions). */
  update: tenantProcedure("schedules:write")
    .input(ZScheduleUpdateSchema)
    .mutation(async ({ ctx, input }) => {
      const schedule = await updateSchedule(ctx.db, input, ctx.principal.userId);
      assertMayDelegate(ctx.principal, schedule.action.type === "api");
      announceScheduleChanged(ctx.db, { tenantId: ctx.db.tenantId, scheduleId: schedule.id });
      return schedule;
    }),
  delete: tenantProcedure("schedules:write")
    .input(ZScheduleIdSchema)
    .mutation(async ({ ctx, input }) => {
      const deleted = await deleteSchedule(ctx.db, input.id);
      announceScheduleChanged(ctx.db, { tenantId: ctx.db.tenantId, scheduleId: deleted.id });
      return deleted;
    }),
  get: tenantProcedure("schedules:read")
    .input(ZScheduleIdSchema)
    .query(({ ctx, input }) => getSchedule(ctx.db, input.id)),
  list: tenantProcedure("schedules:read")
    .input(ZScheduleListSchema.default({ limit: 100, offset: 0 }))
    .query(({ ctx, input }) => listSchedules(ctx.db, input)),
  /** Runs the schedule's action now, even when it is disabled; its outcome shows as its last run. */
  runNow: tenantProcedure("schedules:write")
    .input(ZScheduleIdSchema)
    .mutation(async ({ ctx, input }) => {
      const schedule = await getSchedule(ctx.db, input.id);
      const jobId = await enqueueScheduleRun(ctx.db.tenantId, schedule.id);
      return { id: schedule.id, jobId };
    }),
});
