import { z } from "zod";
import { PAYLOAD_QUEUES } from "../payloads/shards";
import { ZEventRef } from "../rules/event-ref";

// Every background job: its queue, name and payload schema, defined once and shared by
// whoever enqueues (web, ingest) and the worker, which validates each payload again.

export interface JobDefinition<S extends z.ZodType> {
  queue: string;
  name: string;
  payload: S;
  /** Repeats on this schedule when the worker starts (BullMQ job scheduler). */
  every?: { pattern: string } | { every: number };
}

function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

export const jobs = {
  purgeAuthRecords: defineJob({
    queue: "maintenance",
    name: "purge-auth-records",
    payload: z.object({ olderThanHours: z.number().int().positive().default(24) }),
    every: { pattern: "17 3 * * *" },
  }),
  createMeasurePartitions: defineJob({
    queue: "maintenance",
    name: "create-measure-partitions",
    payload: z.object({ monthsAhead: z.number().int().min(0).max(24).default(3) }),
    every: { pattern: "7 0 * * *" },
  }),
  applyMeasureRetention: defineJob({
    queue: "maintenance",
    name: "apply-measure-retention",
    payload: z.object({}),
    every: { pattern: "30 2 * * *" },
  }),
  sweepPayloads: defineJob({
    queue: "maintenance",
    name: "sweep-payloads",
    payload: z.object({ olderThanSeconds: z.number().int().min(0).default(30) }),
    every: { every: 60_000 },
  }),
  /** Its queue is one of the payload shards (payloads/shards.ts), never "payloads" itself. */
  processPayloads: defineJob({
    queue: "payloads",
    name: "process-payloads",
    payload: z.object({ payloadIds: z.array(z.string().uuid()).min(1).max(1000) }),
  }),
  /** A tenant's events (measures received, twins changed, alerts...) for its rules. */
  evaluateRules: defineJob({
    queue: "rules",
    name: "evaluate-rules",
    payload: z.object({ tenantId: z.string().uuid(), events: z.array(ZEventRef).max(50_000) }),
  }),
  /** A holds-for stretch is due: fires the rule unless an event broke it meanwhile. */
  checkRuleHold: defineJob({
    queue: "rules",
    name: "check-rule-hold",
    payload: z.object({
      tenantId: z.string().uuid(),
      ruleId: z.string().uuid(),
      twinKey: z.string().max(100),
      since: z.string().max(40),
    }),
  }),
  /** One rule run: its steps, in order (the rule-runs queue, capped per tenant). */
  runRule: defineJob({
    queue: "rule-runs",
    name: "run-rule",
    payload: z.object({ tenantId: z.string().uuid(), runId: z.string().uuid() }),
  }),
  pruneRuleRuns: defineJob({
    queue: "maintenance",
    name: "prune-rule-runs",
    payload: z.object({ olderThanDays: z.number().int().min(1).default(30) }),
    every: { pattern: "45 2 * * *" },
  }),
  /** A schedule's action, from its job scheduler `schedule:<id>` (or schedules.runNow, `manual`: even when disabled). */
  runSchedule: defineJob({
    queue: "schedules",
    name: "run-schedule",
    payload: z.object({ tenantId: z.string().uuid(), scheduleId: z.string().uuid(), manual: z.boolean().default(false) }),
  }),
  /** A schedule-triggered rule fires, from its job scheduler `rule:<id>`. */
  runScheduledRule: defineJob({
    queue: "schedules",
    name: "run-scheduled-rule",
    payload: z.object({ tenantId: z.string().uuid(), ruleId: z.string().uuid() }),
  }),
} as const;

export type JobName = keyof typeof jobs;
export type JobPayload<N extends JobName> = z.infer<(typeof jobs)[N]["payload"]>;

/** Every queue a worker consumes: the shared ones and each payload shard. */
export const QUEUES = [
  ...new Set(Object.values(jobs).flatMap((j) => (j === jobs.processPayloads ? [] : [j.queue]))),
  ...PAYLOAD_QUEUES,
];

/** Retries of payload jobs: transient failures back off; after the last, payloads are FAILED. */
export const PAYLOAD_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
} as const;

/** Rule runs: a failing retry-safe step is tried again, with backoff. */
export const RULE_RUN_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
} as const;
