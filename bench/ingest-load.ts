// The load of bench:ingest, in its own process so that it does not share an event loop
// with what it measures: autocannon on keep-alive connections, a distinct body per
// request, for --seconds; then each connection waits for its request in flight (nothing
// is cut off: every payload the server took is counted). Prints one JSON line (LoadResult).
//
//   node --import tsx bench/ingest-load.ts --case single|batched|multi|steady|burst \
//     --url http://127.0.0.1:3001 --key <ingest API key> --seconds 15 --connections 50 \
//     --base <epoch ms of the first measure> [--rate <requests/s in all>] [--profile rules]
//
// `batched` posts 100 payloads a request to /batch; `multi` one payload of 100 measures of
// one device (a gateway or a device sending its buffer); the others one a request. With --rate
// (autocannon's overallRate) each connection sends its share of a second's requests back
// to back, then waits for its next second; the connections' seconds are spread evenly
// over the second (spreadOverSecond), so the requests are too, not all at its start.
//
// Device i of 1,000 (bench-dev-<i>) is taken round robin; its n-th measure is at base + n ms.
//
// --profile rules (bench/rules.ts; one payload a request): each measure is dated when its
// request is made (holds-for debounce counts in real time), and device i's k-th payload
// reads RULES_PROFILE[(k + i) % 10]: one reading above 35, three above 30, six at 20-21.
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const DEVICES = 1000;
const BATCH = 100;

export interface LoadResult {
  requests: number;
  ok: number;
  /** Payloads the server accepted: 202 (single), items in state VALID of a 200 (batched). */
  accepted: number;
  non2xx: Record<string, number>;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  /** Epoch ms of the first request and of the last response. */
  start: number;
  end: number;
}

const { values: args } = parseArgs({
  options: {
    case: { type: "string", default: "single" },
    url: { type: "string", default: "http://127.0.0.1:3001" },
    key: { type: "string", default: "" },
    seconds: { type: "string", default: "15" },
    connections: { type: "string", default: "50" },
    base: { type: "string", default: String(Date.now()) },
    rate: { type: "string", default: "0" },
    profile: { type: "string", default: "" },
  },
});
const batched = args.case === "batched";
const multi = args.case === "multi";
const base = Number(args.base);
const rate = Number(args.rate);
const rulesProfile = args.profile === "rules";

/** bench:rules' temperatures by (k + i) % 10 (of device i's k-th payload): a spike, three high, six normal. */
const RULES_PROFILE = [36, 32, 32, 32, 20, 20, 20, 20, 20, 20];

let sent = 0;
function payload() {
  const n = sent++;
  if (rulesProfile) {
    const i = n % DEVICES;
    const k = Math.floor(n / DEVICES);
    const t = RULES_PROFILE[(k + i) % RULES_PROFILE.length] as number;
    return {
      reference: `bench-dev-${i}`,
      measures: [
        {
          name: "temperature",
          type: "temperature",
          values: { temperature: t === 20 ? 20 + (i % 10) / 10 : t },
          measuredAt: new Date().toISOString(),
        },
      ],
    };
  }
  return {
    reference: `bench-dev-${n % DEVICES}`,
    measures: [
      {
        name: "temperature",
        type: "temperature",
        values: { temperature: 15 + (n % 100) / 10 },
        measuredAt: new Date(base + Math.floor(n / DEVICES)).toISOString(),
      },
    ],
  };
}
/** A device's 100 readings, 1 ms apart, after those it sent before. */
function buffered() {
  const n = sent++;
  const first = base + Math.floor(n / DEVICES) * BATCH;
  return {
    reference: `bench-dev-${n % DEVICES}`,
    measures: Array.from({ length: BATCH }, (_, i) => ({
      name: "temperature",
      type: "temperature",
      values: { temperature: 15 + ((n + i) % 100) / 10 },
      measuredAt: new Date(first + i).toISOString(),
    })),
  };
}
const body = () => JSON.stringify(batched ? Array.from({ length: BATCH }, payload) : multi ? buffered() : payload());

let accepted = 0;
function onResponse(status: number, text: string) {
  if (!batched) accepted += status === 202 ? 1 : 0;
  else if (status === 200) accepted += (JSON.parse(text) as { state: string }[]).filter((r) => r.state === "VALID").length;
}

const clients: autocannon.Client[] = [];
let start = 0;
let end = 0;
const options: autocannon.Options = {
  url: `${args.url}/api/payloads/json${batched ? "/batch" : ""}`,
  method: "POST",
  headers: { authorization: `Bearer ${args.key}`, "content-type": "application/json" },
  connections: Number(args.connections),
  // a safety net only: the load ends when every connection has stopped (below)
  duration: Number(args.seconds) + 120,
  requests: [{ setupRequest: (req) => ({ ...req, body: body() }), onResponse }],
  setupClient: (client) => {
    clients.push(client);
    if (rate > 0) spreadOverSecond(client, clients.length - 1);
  },
  ...(rate > 0
    ? {
        overallRate: rate,
        // the response times as measured: autocannon's correction for a rate takes its
        // interval as 1/rate ms (meant in seconds) and would fill in made-up samples
        ignoreCoordinatedOmission: true,
      }
    : {}),
};
/** What spreadOverSecond reaches into: autocannon's rate limit of one connection (lib/httpClient.js). */
interface RatedClient {
  rate: number;
  reqsMadeThisSecond: number;
  paused: boolean;
  destroyed: boolean;
  rateInterval?: ReturnType<typeof setInterval>;
  _doRequest(): void;
}

/**
 * autocannon makes every connection at once, each with a timer that restarts its quota
 * every second: all of a second's requests would leave together at its start, a burst
 * rather than a rate. Connection i of n starts its seconds i/n of a second later instead
 * (its quota spent at once meanwhile: it sends nothing before its turn).
 */
function spreadOverSecond(client: autocannon.Client, i: number) {
  const c = client as unknown as RatedClient;
  const n = Math.min(Number(args.connections), rate);
  c.reqsMadeThisSecond = c.rate;
  // after the constructor that calls setupClient has set its timer
  setImmediate(() => {
    clearInterval(c.rateInterval);
    setTimeout(
      () => {
        if (c.destroyed) return;
        const tick = () => {
          c.reqsMadeThisSecond = 0;
          if (c.paused) c._doRequest();
          c.paused = false;
        };
        tick();
        c.rateInterval = setInterval(tick, 1000);
      },
      Math.floor((i * 1000) / n),
    );
  });
}

const running = new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  instance.on("start", () => {
    start = Date.now();
  });
  instance.on("response", () => {
    end = Date.now();
  });
});

// At the deadline each connection stops once its request in flight is answered
// (autocannon's own duration would drop those responses, though the server took them).
setTimeout(() => {
  for (const client of clients) {
    const c = client as unknown as { reqsMade: number; responseMax?: number };
    c.responseMax = Math.max(1, c.reqsMade);
  }
}, Number(args.seconds) * 1000);

const result = await running;
const non2xx: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
  if (!code.startsWith("2") && count) non2xx[code] = count;
const out: LoadResult = {
  requests: result["1xx"] + result["2xx"] + result["3xx"] + result["4xx"] + result["5xx"],
  ok: result["2xx"],
  accepted,
  non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  p50: result.latency.p50,
  p99: result.latency.p99,
  start,
  end,
};
console.log(JSON.stringify(out));
