import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { nameService } from "./logger";

// The platform's metrics in Prometheus' format, one registry per process (each process
// sets its `service` label). Labels stay bounded: routes are route patterns, reasons a
// fixed set, and tenants the first MAX_TENANT_LABELS seen, the rest counted as "other".

export const registry = new Registry();

/** Names this process in every series (web, ingest, worker). */
export function setService(service: string): void {
  registry.setDefaultLabels({ service });
  nameService(service);
}

/** The text /metrics answers with, and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

const MAX_TENANT_LABELS = Number(process.env.METRICS_MAX_TENANTS ?? 100);
const tenantsSeen = new Set<string>();

/** A tenant as a label value: its id for the first tenants seen, "other" past the limit. */
export function tenantLabel(tenantId: string | null | undefined): string {
  if (!tenantId) return "none";
  if (tenantsSeen.has(tenantId)) return tenantId;
  if (tenantsSeen.size >= MAX_TENANT_LABELS) return "other";
  tenantsSeen.add(tenantId);
  return tenantId;
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: "iot_http_requests_total",
  help: "HTTP requests answered, by route pattern, method and status code.",
  labelNames: ["route", "method", "status"] as const,
  registers: [registry],
});
export const httpDuration = new Histogram({
  name: "iot_http_request_duration_seconds",
  help: "Time to answer HTTP requests, by route pattern and method.",
  labelNames: ["route", "method"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const payloadsReceived = new Counter({
  name: "iot_payloads_total",
  help: "Payloads posted to the webhook, by outcome (accepted, skipped, duplicate, refused) and refusal reason.",
  labelNames: ["outcome", "reason"] as const,
  registers: [registry],
});
export const tenantPayloads = new Counter({
  name: "iot_tenant_payloads_total",
  help: "Payloads stored for each tenant (the first tenants seen; the rest as other).",
  labelNames: ["tenant"] as const,
  registers: [registry],
});

export const jobsDone = new Counter({
  name: "iot_jobs_total",
  help: "Jobs the worker finished, by queue, job name and result (completed, failed).",
  labelNames: ["queue", "job", "result"] as const,
  registers: [registry],
});
export const jobDuration = new Histogram({
  name: "iot_job_duration_seconds",
  help: "Time a job ran, by queue and job name.",
  labelNames: ["queue", "job"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
export const pipelineStep = new Histogram({
  name: "iot_pipeline_step_seconds",
  help: "Time of each step of the measure pipeline, per job.",
  labelNames: ["step"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
export const tenantMeasures = new Counter({
  name: "iot_tenant_measures_total",
  help: "Measures stored for each tenant by the pipeline (the first tenants seen; the rest as other).",
  labelNames: ["tenant"] as const,
  registers: [registry],
});
export const ruleRuns = new Counter({
  name: "iot_rule_runs_total",
  help: "Rule runs, by result (done, failed).",
  labelNames: ["result"] as const,
  registers: [registry],
});
export const scheduleRuns = new Counter({
  name: "iot_schedule_runs_total",
  help: "Scheduled task runs, by result (done, failed).",
  labelNames: ["result"] as const,
  registers: [registry],
});

export const trpcCalls = new Counter({
  name: "iot_trpc_calls_total",
  help: "Calls of the typed API, by procedure, type and result code.",
  labelNames: ["path", "type", "code"] as const,
  registers: [registry],
});
export const trpcDuration = new Histogram({
  name: "iot_trpc_call_duration_seconds",
  help: "Time of calls of the typed API, by procedure.",
  labelNames: ["path"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
export const liveSubscribers = new Gauge({
  name: "iot_live_subscribers",
  help: "Live streams open (measures, alerts, notifications...), by procedure.",
  labelNames: ["stream"] as const,
  registers: [registry],
});

/** Seconds since `start` (performance.now() or process.hrtime-based), for histograms. */
export const secondsSince = (start: number) => (performance.now() - start) / 1000;

/** What a process knows of its queues at a scrape: job counts by state, and the oldest waiting job's time. */
export interface TQueueStats {
  queue: string;
  counts: Record<string, number>;
  oldestWaitingAt: number | null;
}
let queueSource: (() => Promise<TQueueStats[]>) | null = null;
let lastRead: { at: number; stats: Promise<TQueueStats[]> } | null = null;
/** The worker's queues, read at each scrape (null: none in this process). */
export function reportQueues(source: (() => Promise<TQueueStats[]>) | null): void {
  queueSource = source;
  lastRead = null;
}
/** One read per scrape for both queue gauges. */
function queueStats(): Promise<TQueueStats[]> {
  if (!queueSource) return Promise.resolve([]);
  if (!lastRead || Date.now() - lastRead.at > 1000) lastRead = { at: Date.now(), stats: queueSource().catch(() => []) };
  return lastRead.stats;
}

export const queueJobs = new Gauge({
  name: "iot_queue_jobs",
  help: "Jobs in each queue, by state (wait, active, delayed, prioritized, failed), read at scrape time.",
  labelNames: ["queue", "state"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const q of await queueStats()) for (const [state, n] of Object.entries(q.counts)) this.set({ queue: q.queue, state }, n);
  },
});
export const queueOldestWaiting = new Gauge({
  name: "iot_queue_oldest_waiting_seconds",
  help: "Age of the oldest job waiting in each queue (0 when none waits), read at scrape time.",
  labelNames: ["queue"] as const,
  registers: [registry],
  async collect() {
    this.reset();
    const now = Date.now();
    for (const q of await queueStats())
      this.set({ queue: q.queue }, q.oldestWaitingAt ? Math.max(0, (now - q.oldestWaitingAt) / 1000) : 0);
  },
});
