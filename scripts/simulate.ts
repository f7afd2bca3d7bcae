// Simulated devices posting to the payload webhook (apps/ingest), paced at a steady rate.
//
//   npm run simulate -- --devices 40 --rate 20 [--decoder tts-elsys] [--duration 60] [--batch 50]
//
// Device i uses decoder SIMULATED_ACTIONS[i % 4] as its device number floor(i / 4), or,
// with --decoder, that decoder as device number i: references come from
// simulatedReference (packages/core/src/decoders/samples.ts). The key is --key, else
// IOT_INGEST_KEY, else .demo/ingest-key.json written by the demo seed (which also gives the
// webhook's URL; default http://127.0.0.1:3001).
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// the samples file alone: the simulator needs no database
import { SIMULATED_ACTIONS, SimulatedDevice, type TSimulatedAction } from "../packages/core/src/decoders/samples";

const USAGE = `npm run simulate -- [options]
  --devices N    simulated devices (default 10), spread over ${SIMULATED_ACTIONS.join(", ")}
  --rate R       payloads per second in all (default 1)
  --decoder X    only this decoder's devices
  --duration S   stop after S seconds (default: until Ctrl-C)
  --batch B      B payloads per request to .../batch (default 1: one per request; at most 1000)
  --url U        the webhook (default: .demo/ingest-key.json's ingestUrl, else http://127.0.0.1:3001)
  --key K        ingest key (default: IOT_INGEST_KEY, else .demo/ingest-key.json)
  --quiet        no progress line every 5 s (refusals and the summary are still printed)`;

const MAX_IN_FLIGHT = 64;
const REQUEST_TIMEOUT_MS = 30_000;
const REPORT_EVERY_MS = 5_000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      devices: { type: "string", default: "10" },
      rate: { type: "string", default: "1" },
      decoder: { type: "string" },
      duration: { type: "string" },
      batch: { type: "string", default: "1" },
      url: { type: "string" },
      key: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
}
try {
  args = parse();
} catch (error) {
  fail(`${error instanceof Error ? error.message : error}\n${USAGE}`);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function numberArg(name: string, value: string, min: number, max: number, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
    fail(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, not "${value}"`);
  return n;
}
const deviceCount = numberArg("devices", args.devices, 1, 1_000_000, true);
const rate = numberArg("rate", args.rate, 0.001, 100_000, false);
const batchSize = numberArg("batch", args.batch, 1, 1000, true);
const duration = args.duration === undefined ? undefined : numberArg("duration", args.duration, 0.1, 1e7, false);
const decoder = args.decoder as TSimulatedAction | undefined;
if (decoder !== undefined && !SIMULATED_ACTIONS.includes(decoder))
  fail(`--decoder must be one of ${SIMULATED_ACTIONS.join(", ")}, not "${decoder}"`);

// --- key and URL ---------------------------------------------------------------------
const demoFile = process.env.DEMO_KEY_FILE ?? resolve(dirname(fileURLToPath(import.meta.url)), "..", ".demo", "ingest-key.json");
let demo: { key?: string; ingestUrl?: string } = {};
if (existsSync(demoFile)) {
  try {
    demo = JSON.parse(readFileSync(demoFile, "utf8"));
  } catch (error) {
    console.warn(`ignoring ${demoFile}: ${error instanceof Error ? error.message : error}`);
  }
}
const key = args.key || process.env.IOT_INGEST_KEY || demo.key;
if (!key) fail(`no ingest key: pass --key K, set IOT_INGEST_KEY, or run the demo seed (npm run db:seed) to write ${demoFile}`);
const url = (args.url || demo.ingestUrl || "http://127.0.0.1:3001").replace(/\/+$/, "");

// --- devices -------------------------------------------------------------------------
const devices = Array.from({ length: deviceCount }, (_, i) =>
  decoder
    ? new SimulatedDevice(decoder, i)
    : new SimulatedDevice(SIMULATED_ACTIONS[i % SIMULATED_ACTIONS.length] as TSimulatedAction, Math.floor(i / 4)),
);

// --- counters ------------------------------------------------------------------------
const stats = { sent: 0, accepted: 0, skipped: 0, inFlight: 0, refused: new Map<string, number>() };
const firstReason = new Map<string, string>();
function refuse(why: string, count: number, reason?: string) {
  stats.refused.set(why, (stats.refused.get(why) ?? 0) + count);
  if (reason && !firstReason.has(why)) {
    firstReason.set(why, reason);
    console.warn(`refused (${why}): ${reason}`);
  }
}

let pausedUntil = 0;
const pending = new Set<Promise<void>>();

function retryAfterMs(header: string | null): number {
  if (!header) return 1000;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1000 : Math.max(0, at - Date.now());
}

async function post(action: string, bodies: unknown[]): Promise<void> {
  const asBatch = batchSize > 1;
  stats.sent += bodies.length;
  try {
    const res = await fetch(`${url}/api/payloads/${action}${asBatch ? "/batch" : ""}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(asBatch ? bodies : bodies[0]),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status === 429) pausedUntil = Math.max(pausedUntil, Date.now() + retryAfterMs(res.headers.get("retry-after")));
    if (!res.ok) return refuse(String(res.status), bodies.length, text.slice(0, 300));
    if (!asBatch) {
      stats.accepted++;
      return;
    }
    for (const item of JSON.parse(text) as { state: string; error?: string }[]) {
      if (item.state === "ERROR") refuse("item ERROR", 1, item.error);
      else stats.accepted++;
    }
  } catch (error) {
    refuse("network", bodies.length, error instanceof Error ? `${error.message} ${error.cause ?? ""}`.trim() : String(error));
  }
}

/** Sends now, unless too many requests are in flight or the server asked to wait: then the payloads are skipped. */
function send(action: string, bodies: unknown[]) {
  if (stats.inFlight >= MAX_IN_FLIGHT || Date.now() < pausedUntil) {
    stats.skipped += bodies.length;
    return;
  }
  stats.inFlight++;
  const p = post(action, bodies).finally(() => {
    stats.inFlight--;
    pending.delete(p);
  });
  pending.add(p);
}

// --- pacing: payload k is due at start + k / rate, devices taken in turn ---------------
const batches = new Map<string, unknown[]>();
const started = Date.now();
let produced = 0;

function tick() {
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  for (; produced < due; produced++) {
    const device = devices[produced % devices.length] as SimulatedDevice;
    const body = device.next(new Date());
    if (batchSize === 1) {
      send(device.action, [body]);
      continue;
    }
    const batch = batches.get(device.action) ?? [];
    batch.push(body);
    batches.set(device.action, batch);
    if (batch.length >= batchSize) {
      batches.delete(device.action);
      send(device.action, batch);
    }
  }
}

function line(): string {
  const refused = [...stats.refused].map(([why, n]) => `${why}: ${n}`).join(", ") || "none";
  const elapsed = ((Date.now() - started) / 1000).toFixed(0);
  return `${elapsed}s  sent ${stats.sent}  accepted ${stats.accepted}  refused ${refused}  in flight ${stats.inFlight}  skipped ${stats.skipped}`;
}

const timer = setInterval(tick, Math.max(5, Math.min(1000, Math.floor(((1000 / rate) * batchSize) / 4) || 5)));
const reporter = setInterval(() => args.quiet || console.log(line()), REPORT_EVERY_MS);
const limit = duration === undefined ? undefined : setTimeout(() => void stop(), duration * 1000);

console.log(
  `simulating ${deviceCount} device(s) (${decoder ?? SIMULATED_ACTIONS.join(", ")}) at ${rate} payload(s)/s` +
    `${batchSize > 1 ? ` in batches of ${batchSize}` : ""} to ${url}${duration ? ` for ${duration}s` : ""}; Ctrl-C stops`,
);

let stopping = false;
async function stop() {
  if (stopping) {
    console.error("stopping now, without waiting for the requests in flight");
    process.exit(1);
  }
  stopping = true;
  clearInterval(timer);
  clearInterval(reporter);
  if (limit) clearTimeout(limit);
  tick();
  for (const [action, batch] of batches) send(action, batch);
  batches.clear();
  if (pending.size) console.log(`waiting for ${pending.size} request(s) in flight...`);
  await Promise.allSettled([...pending]);
  console.log(`done: ${line()}`);
  process.exit(stats.accepted > 0 ? 0 : 1);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
