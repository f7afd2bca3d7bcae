import {
  ZDryRunSchema,
  ZRuleDocument,
  ZRuleListSchema,
  ZRuleUpdateSchema,
  ZRunListSchema,
  assertMayDelegate,
  createRule,
  deleteRule,
  dryRunRule,
  getRule,
  getRun,
  listRules,
  listRuns,
  listTasks,
  listTriggers,
  ruleCallsApi,
  updateRule,
} from "@iot/core";
import { z } from "zod";
import { announceRulesChanged } from "../bridges";
import { createRouter, tenantProcedure } from "../trpc";

const ZId = z.object({ id: z.string().uuid("must be a rule id") });

export const rulesRouter = createRouter({
  /** A rule document; checked whole (tasks, their args, templates, condition fields), each error naming its field. */
  create: tenantProcedure("rules:write")
    .input(ZRuleDocument)
    .mutation(async ({ ctx, input }) => {
      const rule = await createRule(ctx.db, input, { ownerId: ctx.principal.userId, group: ctx.tenant.tenant.group });
      assertMayDelegate(ctx.principal, ruleCallsApi(rule));
      announceRulesChanged(ctx.db, rule);
      return rule;
    }),
  /** Changes fields of a rule; you become its owner (its API calls run with your permissions). */
  update: tenantProcedure("rules:write")
    .input(ZRuleUpdateSchema)
    .mutation(async ({ ctx, input }) => {
      const rule = await updateRule(ctx.db, input, { ownerId: ctx.principal.userId, group: ctx.tenant.tenant.group });
      assertMayDelegate(ctx.principal, ruleCallsApi(rule));
      announceRulesChanged(ctx.db, rule);
      return rule;
    }),
  delete: tenantProcedure("rules:write")
    .input(ZId)
    .mutation(async ({ ctx, input }) => {
      const deleted = await deleteRule(ctx.db, input.id);
      announceRulesChanged(ctx.db, deleted);
      return deleted;
    }),
  get: tenantProcedure("rules:read")
    .input(ZId)
    .query(({ ctx, input }) => getRule(ctx.db, input.id)),
  list: tenantProcedure("rules:read")
    .input(ZRuleListSchema.default({ limit: 100, offset: 0 }))
    .query(({ ctx, input }) => listRules(ctx.db, input)),
  /** The tasks steps can use, each with its args' JSON Schema (the step form). */
  listTasks: tenantProcedure("rules:read").query(() => listTasks()),
  /** The events rules can start on, each with its payload's JSON Schema. */
  listTriggers: tenantProcedure("rules:read").query(() => listTriggers()),
  /** A rule (saved or as edited) against a payload or a twin's last measures: what would happen, without doing it. */
  dryRun: tenantProcedure("rules:read")
    .input(ZDryRunSchema)
    .mutation(({ ctx, input }) => dryRunRule(ctx.db, input, (id) => getRule(ctx.db, id))),
  /** Run history, newest first: trigger, condition trace, each step's input, output, error and duration. */
  runs: tenantProcedure("rules:read")
    .input(ZRunListSchema.default({ limit: 50 }))
    .query(({ ctx, input }) => listRuns(ctx.db, input)),
  run: tenantProcedure("rules:read")
    .input(z.object({ id: z.string().uuid("must be a run id") }))
    .query(({ ctx, input }) => getRun(ctx.db, input.id)),
});
