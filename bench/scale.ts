// Scale-out on this machine: the webhook and the pipeline with 1 ingest + 1 worker process,
// then 2 + 2, each on a fresh private Postgres and Redis (apps/worker/src/faults/cluster.ts,
// the scale-out test's cluster). Per topology: payloads accepted per second by the webhooks,
// payloads settled per second end to end (posted to every measure stored), the CPU each
// process used and how busy the machine was.
//   npm run bench:scale    (BENCH_PAYLOADS, default 40,000; BENCH_POSTERS, default 16)
import { readFileSync } from "node:fs";
import { Cluster } from "../apps/worker/src/faults/cluster";
import { missingServers } from "../apps/worker/src/faults/infra";

const TOTAL = Number(process.env.BENCH_PAYLOADS ?? 40_000);
const POSTERS = Number(process.env.BENCH_POSTERS ?? 16);
const DEVICES = 1000;
const missing = missingServers();
if (missing) {
  console.error(`bench:scale needs private servers: ${missing}`);
  process.exit(1);
}

const TICK = 100; // clock ticks a second (Linux's USER_HZ)
/** CPU seconds a process has used (user + system). */
function cpuOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}
/** The machine's busy and total CPU ticks. */
function machine(): { busy: number; all: number } {
  const cpu = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const all = cpu.reduce((a, b) => a + b, 0);
  return { busy: all - idle, all };
}

interface Row {
  topology: string;
  postSeconds: number;
  settleSeconds: number;
  accepted: number;
  settled: number;
  cpu: Record<string, number>;
  busy: number;
}

async function run(ingests: number, workers: number): Promise<Row> {
  const cluster = await Cluster.start({ ingests, workers });
  try {
    const t0 = Date.now() - 7_200_000;
    // warm-up: JIT, connection pools, the devices provisioned
    const warm = await cluster.post({ total: DEVICES, devices: DEVICES, batch: 100, posters: POSTERS, tag: "bench", t0 });
    if (warm.answers.VALID !== DEVICES) throw new Error(`warm-up answers ${JSON.stringify(warm.answers)}`);
    await cluster.settled(DEVICES, 120_000);
    const children = [...cluster.ingests, ...cluster.workers];
    const cpuBefore = children.map((c) => cpuOf(c.proc.pid));
    const m0 = machine();
    const started = performance.now();
    const posted = await cluster.post({
      total: TOTAL,
      devices: DEVICES,
      batch: 100,
      posters: POSTERS,
      tag: "bench",
      t0: t0 + DEVICES,
    });
    if (posted.answers.VALID !== TOTAL) throw new Error(`answers ${JSON.stringify(posted.answers)}`);
    await cluster.settled(TOTAL + DEVICES, 600_000);
    const settleSeconds = (performance.now() - started) / 1000;
    const m1 = machine();
    const measures = await cluster.measures();
    if (measures.total !== TOTAL + DEVICES || measures.odd.length) throw new Error(`measures ${JSON.stringify(measures)}`);
    return {
      topology: `${ingests} ingest + ${workers} worker`,
      postSeconds: posted.seconds,
      settleSeconds,
      accepted: TOTAL / posted.seconds,
      settled: TOTAL / settleSeconds,
      cpu: Object.fromEntries(children.map((c, i) => [c.name, cpuOf(c.proc.pid) - (cpuBefore[i] ?? 0)])),
      busy: (m1.busy - m0.busy) / (m1.all - m0.all),
    };
  } finally {
    await cluster.close();
  }
}

const rows: Row[] = [];
for (const [ingests, workers] of [
  [1, 1],
  [2, 2],
] as const) {
  console.log(
    `${ingests} + ${workers}: ${TOTAL.toLocaleString("en-US")} payloads of ${DEVICES} devices, ${POSTERS} posters of 100-payload batches...`,
  );
  rows.push(await run(ingests, workers));
}

const n = (v: number) => Math.round(v).toLocaleString("en-US");
console.log(
  `\nscale-out on ${
    readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("processor")).length
  } cores; payloads a second (each one measure)`,
);
console.log("topology                 accepted/s   settled/s   post s  settle s  machine busy  CPU seconds by process");
for (const r of rows)
  console.log(
    `${r.topology.padEnd(24)} ${n(r.accepted).padStart(10)}  ${n(r.settled).padStart(10)}  ${r.postSeconds.toFixed(1).padStart(7)}  ${r.settleSeconds.toFixed(1).padStart(8)}  ${`${Math.round(r.busy * 100)} %`.padStart(12)}  ${Object.entries(
      r.cpu,
    )
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ")}`,
  );
const [one, two] = rows;
if (one && two)
  console.log(
    `\n2 + 2 against 1 + 1: accepted x${(two.accepted / one.accepted).toFixed(2)}, settled x${(two.settled / one.settled).toFixed(2)}`,
  );
process.exit(0);
