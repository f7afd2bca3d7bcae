import {
  PAYLOAD_QUEUES,
  QUEUES,
  createLogger,
  ensureDecoderModels,
  type Logger,
  readiness,
  reportQueues,
  type TReadiness,
  forwardDomainEvents,
  jobs,
  markFailed,
  resetRuleIndexes,
  rulesFeed,
} from "@iot/core";
import { isDatabaseUnavailable, withPlatform } from "@iot/db";
import { DelayedError, type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { handOff, refused } from "./hand-off";
import { buildHandlers } from "./handlers";
import { observed, pipelineReports, reportQueuesOf } from "./observe";
import { ruleJobOptions, ruleJobs } from "./rule-jobs";
import { ruleServices } from "./rule-services";
import { scheduleJobs, startScheduleSync } from "./schedules";

export interface WorkerOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  /** The sweeper's schedule (default: its job definition's, every minute, payloads older than 30 s). */
  sweep?: { everyMs: number; olderThanSeconds: number };
  /** The payload shards this process works (default: all of them). */
  shards?: number[];
  /** The queues this process works ("payloads" for the shards; default: every queue). */
  queues?: string[];
  /** JSON logs (default: a logger named worker, at LOG_LEVEL). */
  logger?: Logger;
}

export interface RunningWorker {
  queues: Map<string, Queue>;
  /** Redis answers and every queue's worker is running. */
  health(): Promise<{ ok: boolean; redis: string; workers: Record<string, boolean> }>;
  /** Ready to work: Postgres answers with every migration applied, Redis answers, every worker runs. */
  ready(): Promise<TReadiness & { workers: boolean }>;
  close(): Promise<void>;
}

/**
 * A worker killed mid-job (SIGKILL, OOM, a lost machine) leaves its jobs active with a lock
 * nobody renews; once the lock expires, the stalled-job check of any worker moves them back
 * to wait. BullMQ's defaults (30 s lock, checks every 30 s) leave a shard stuck for up to
 * a minute after a crash, and fail a job that stalls twice (its payloads FAILED). A live
 * worker renews its locks every lockDuration / 2, so a shorter lock only costs a few Redis
 * calls; a job stalled again (another crash, a Redis outage that let its lock lapse) is run
 * again, which the pipeline makes harmless (settled payloads are skipped, measures unique).
 */
const STALLED = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 };

/** The longest wait of a payload job for an unreachable database before it tries again. */
const UNAVAILABLE_MAX_DELAY_MS = 10_000;

/** An outage is logged once every 10 s, not once per job and reconnection attempt. */
let loggedAt = 0;
function logUnavailable(log: Logger, message: string) {
  if (Date.now() - loggedAt < 10_000) return;
  loggedAt = Date.now();
  log.error(message);
}

/** One BullMQ worker per queue, and the repeating jobs scheduled. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.logger ?? createLogger("worker");
  // workers block on Redis: BullMQ requires maxRetriesPerRequest null on their connection
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const queues = new Map(QUEUES.map((name) => [name, new Queue(name, { connection, prefix: opts.prefix })]));
  const rulesQueue = queues.get(jobs.evaluateRules.queue) as Queue;
  const ruleOptions = ruleJobOptions();
  // what rule runs do to twins (computed measures, metadata, API calls) is news for rules too
  const stopForwarding = forwardDomainEvents(
    rulesFeed(() => rulesQueue),
    { onlyInRuns: true },
  );
  const rules = ruleJobs({
    redis: connection,
    prefix: opts.prefix,
    queues,
    services: ruleServices(connection, rulesQueue),
    options: ruleOptions,
  });
  const schedules = scheduleJobs({ queues });
  const handlers = buildHandlers(
    queues,
    { handOff: handOff(connection, rulesQueue), refused: refused(rulesQueue), ...pipelineReports(log) },
    rules,
    schedules,
    log,
  );
  const worked = QUEUES.filter(
    (q) =>
      (!PAYLOAD_QUEUES.includes(q) || !opts.shards || opts.shards.includes(PAYLOAD_QUEUES.indexOf(q))) &&
      (!opts.queues || opts.queues.includes(PAYLOAD_QUEUES.includes(q) ? "payloads" : q)),
  );
  // A payload shard runs one job at a time across every worker process, not only within
  // one (BullMQ's global concurrency, kept in Redis): any number of workers may work every
  // shard, each device's payloads still go through in order, and a worker that dies leaves
  // its shards to the others once its job's lock expires.
  const limitShards = () =>
    Promise.all(worked.filter((q) => PAYLOAD_QUEUES.includes(q)).map((q) => queues.get(q)?.setGlobalConcurrency(1)));
  await limitShards();
  const workers = worked.map(
    (name) =>
      new Worker(
        name,
        (job: Job, token?: string) =>
          observed(job, async () => {
            const run = handlers.get(job.name);
            if (!run) throw new Error(`no handler for job ${job.name} on queue ${name}`);
            try {
              return await run(job.data, job, token);
            } catch (error) {
              if (job.name !== jobs.processPayloads.name || !isDatabaseUnavailable(error)) throw error;
              // Postgres unreachable (down, restarting, out of connections): not the payloads'
              // fault, and out of retries they would be FAILED (or, Postgres still down, not even
              // that: left RECEIVED and queued, which the sweeper never takes again). Such a job
              // goes back to the queue, delayed, without using an attempt, for as long as the
              // outage lasts; its attempts stay for the failures that are the job's own.
              const delay = Math.min(UNAVAILABLE_MAX_DELAY_MS, 500 * 2 ** Math.min(job.attemptsStarted, 5));
              logUnavailable(log, `database unavailable, payload jobs retried until it is back: ${(error as Error).message}`);
              await job.moveToDelayed(Date.now() + delay, token);
              throw new DelayedError();
            }
          }),
        {
          connection,
          prefix: opts.prefix,
          // a payload shard is worked one job at a time: that is what keeps a device in order;
          // rule runs as many at once as a tenant may have, so one busy tenant's runs over its
          // cap are not picked up and put back in a loop
          concurrency: PAYLOAD_QUEUES.includes(name)
            ? 1
            : name === jobs.runRule.queue
              ? Math.max(opts.concurrency, ruleOptions.tenantConcurrency)
              : opts.concurrency,
          ...STALLED,
        },
      ),
  );
  // Redis down: every worker and queue says so at each reconnection attempt; logged once in a while
  for (const w of workers) w.on("error", (error: Error) => logUnavailable(log, error.message));
  for (const q of queues.values()) q.on("error", (error: Error) => logUnavailable(log, error.message));
  for (const w of workers) {
    w.on("failed", (job, err) => {
      log.warn(
        { job: job?.id, name: job?.name, queue: job?.queueName, attempt: job?.attemptsMade, err: err.message },
        "job failed",
      );
      // out of retries: its payloads are FAILED, with the error, for the payload log
      if (job?.name === jobs.processPayloads.name && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        const ids = (job.data as { payloadIds?: string[] }).payloadIds ?? [];
        void withPlatform((db) => markFailed(db, ids, err.message)).catch((e: Error) =>
          log.error(`could not mark payloads failed: ${e.message}`),
        );
      }
    });
  }

  // the decoders' device models exist before the first payload provisions a device
  await withPlatform((db) => ensureDecoderModels(db));
  // the months ahead exist from the first minute, not only after the first nightly run
  await queues.get(jobs.createMeasurePartitions.queue)?.add(jobs.createMeasurePartitions.name, {}, { removeOnComplete: 100 });
  const schedule = async () => {
    for (const def of Object.values(jobs)) {
      if (!def.every) continue;
      const sweep = def === jobs.sweepPayloads ? opts.sweep : undefined;
      await queues.get(def.queue)?.upsertJobScheduler(def.name, sweep ? { every: sweep.everyMs } : def.every, {
        name: def.name,
        data: sweep ? { olderThanSeconds: sweep.olderThanSeconds } : {},
        opts: { attempts: 3, backoff: { type: "exponential", delay: 5_000 } },
      });
    }
  };
  await schedule();
  // the tenants' schedules and schedule-triggered rules: the database is the truth
  const scheduleSync = await startScheduleSync(queues.get(jobs.runSchedule.queue) as Queue, { redisUrl: opts.redisUrl, log });

  // Redis runs without persistence (scripts/ensure-services.sh): restarted, it comes back
  // empty, without the job schedulers (no sweeper any more) and without the jobs that were
  // waiting, whose payloads stay RECEIVED and marked queued, which the sweeper never takes.
  // A marker key, set at start, tells: gone when the connection is ready again, the
  // schedulers are made again and the payloads marked queued are handed back to the sweeper
  // (queued_at cleared). One worker does it (SET NX); a payload queued twice is settled once.
  const marker = `${opts.prefix}:worker-marker`;
  await connection.set(marker, String(Date.now()));
  let closing = false;
  const recover = async () => {
    if (closing || (await connection.set(marker, String(Date.now()), "NX")) !== "OK") return;
    log.error("Redis came back without its data: schedules made again, queued payloads handed to the sweeper");
    await schedule();
    // the shards' global concurrency was in the lost data too
    await limitShards();
    await scheduleSync.reconcile();
    // rules versions restart from nothing: what this process cached is not to be trusted
    resetRuleIndexes();
    for (let attempt = 1; !closing; attempt++) {
      try {
        const requeued = await withPlatform(
          (db) => db.$executeRaw`UPDATE payloads SET queued_at = NULL WHERE state = 'RECEIVED' AND queued_at IS NOT NULL`,
        );
        log.warn(`${requeued} payloads queued before the loss will be queued again`);
        return;
      } catch (error) {
        logUnavailable(log, `could not hand queued payloads to the sweeper yet: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 1000 * attempt)));
      }
    }
  };
  connection.on("ready", () => void recover().catch((e: Error) => log.error(`recovery after Redis restart: ${e.message}`)));
  reportQueuesOf(queues);

  return {
    queues,
    async health() {
      const redis = await connection.ping().then(
        (r) => r,
        (e: Error) => e.message,
      );
      const state = Object.fromEntries(workers.map((w) => [w.name, w.isRunning()]));
      return { ok: redis === "PONG" && Object.values(state).every(Boolean), redis, workers: state };
    },
    async ready() {
      const report = await readiness({ redis: connection });
      const running = workers.every((w) => w.isRunning());
      return { ...report, ok: report.ok && running, workers: running };
    },
    async close() {
      closing = true;
      reportQueues(null);
      stopForwarding();
      await scheduleSync.close();
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}
