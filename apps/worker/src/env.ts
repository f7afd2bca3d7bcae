import { z } from "zod";

const ZWorkerEnvSchema = z.object({
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  QUEUE_PREFIX: z.string().min(1).default("iot"),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Where /healthz, /readyz and /metrics listen (0.0.0.0 in a container, for the probes and Prometheus). */
  WORKER_HEALTH_HOST: z.string().default("127.0.0.1"),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
  // the sweeper's period and the age of a stored, never queued payload it queues (tests shorten them)
  SWEEP_EVERY_MS: z.coerce.number().int().min(100).default(60_000),
  SWEEP_OLDER_THAN_SECONDS: z.coerce.number().int().min(0).default(30),
  // the payload shards this process works, e.g. "0,1" (default all): with several worker
  // processes, give each its own shards, since a shard worked by two is no longer in order
  WORKER_SHARDS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "must be shard numbers separated by commas")
    .transform((s) => s.split(",").map(Number))
    .optional(),
  // the queues this process works (default all), e.g. "payloads,maintenance" for one process
  // and "rules,rule-runs,schedules" for another: the rules engine on its own core
  WORKER_QUEUES: z
    .string()
    .regex(/^[a-z-]+(,[a-z-]+)*$/, "must be queue names separated by commas")
    .transform((s) => s.split(","))
    .optional(),
});

export type TWorkerEnv = z.infer<typeof ZWorkerEnvSchema>;
export const workerEnv = (): TWorkerEnv => ZWorkerEnvSchema.parse(process.env);
