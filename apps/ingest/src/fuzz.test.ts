import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import {
  SIMULATED_ACTIONS,
  SimulatedDevice,
  type TSimulatedAction,
  createTenant,
  decoderForModel,
  ensureDecoderModels,
  getDecoder,
  hashToken,
  mulberry32,
  newToken,
} from "@iot/core";
import { withPlatform } from "@iot/db";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "./server";

// Bad input against the real ingest process (node --import tsx apps/ingest/src/main.ts):
// a few hundred malformed requests made by fast-check from a fixed seed (wrong types,
// truncated JSON, deep nesting, huge numbers and strings, invalid UTF-8, wrong content
// types, bad batches, bad deviceModel) on every webhook route, interleaved with good
// payloads from SimulatedDevice, several at a time. Every bad request gets a 4xx with
// { error: { code, message } }; every good one 202 and a stored payload; the same bad
// traffic twice does not grow the process; it is still up at the end, with nothing on
// stderr.
//
// What is refused whole (400, nothing stored) and what per item: a body that is not
// JSON, not UTF-8, nested deeper than the webhook allows, holding what Postgres jsonb
// cannot (NUL, lone surrogates) or a number out of double range, or that is not a JSON
// object (a batch: not an array of 1 to 1000 JSON objects) is refused as a request. A
// JSON object the decoder refuses is a payload: stored as ERROR and answered 400 alone,
// or as an ERROR item of a 200 batch answer. Some "wrong types" are fine with a decoder
// (the tracker coerces lat: null to 0): those cases follow the decoder's own verdict.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SEED = 20_261_125;
const BAD_PER_ROUND_MIN = 250;
const RSS_GROWTH_LIMIT_MB = 50;
const CONCURRENCY = 8;
const T0 = Date.parse("2026-01-01T00:00:00Z");

type TBody = string | Uint8Array | (() => ReadableStream<Uint8Array>);

interface TCase {
  category: string;
  path: string;
  /** undefined: application/json; null: no content type. */
  contentType?: string | null;
  auth?: string | null;
  method?: string;
  body?: TBody;
  /** The statuses allowed. */
  status: number[];
  /** A 200 batch answer: the states allowed for each item. */
  items?: string[][];
  good?: boolean;
}

// ---- the decoders' verdict, for bodies whose fate is theirs ------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The item states a decoder gives a parsed JSON object. */
function itemVerdict(action: string, body: unknown): string[] {
  const decoder = getDecoder(action);
  if (!decoder) throw new Error(`no decoder ${action}`);
  try {
    return decoder.validate(body) ? ["VALID", "DUPLICATE"] : ["SKIP", "DUPLICATE"];
  } catch {
    return ["ERROR"];
  }
}

const statusOf = (states: string[]) => (states.includes("ERROR") ? [400] : states.includes("VALID") ? [202, 200] : [200]);

/** The statuses for a JSON text on a route, as the webhook should answer it. */
function verdict(route: TRoute, action: TSimulatedAction, text: string): Pick<TCase, "status" | "items"> {
  const body: unknown = JSON.parse(text);
  if (route === "batch") {
    if (!Array.isArray(body) || body.length === 0 || body.length > 1000 || !body.every(isObject)) return { status: [400] };
    return { status: [200], items: body.map((item) => itemVerdict(action, item)) };
  }
  if (!isObject(body)) return { status: [400] };
  if (route === "single") return { status: statusOf(itemVerdict(action, body)) };
  if (typeof body.deviceModel !== "string") return { status: [400] };
  const decoder = decoderForModel(body.deviceModel);
  return decoder ? { status: statusOf(itemVerdict(decoder.action, body)) } : { status: [404] };
}

// ---- generators -----------------------------------------------------------------------------------

type TRoute = "single" | "batch" | "model";
const MODEL: Record<TSimulatedAction, string> = {
  "tts-elsys": "ElsysERS",
  "chirpstack-elsys": "ElsysERS",
  "gps-tracker": "GpsTracker",
  json: "GenericJson",
};
const FIELDS: Record<TSimulatedAction, string[]> = {
  "tts-elsys": [
    "end_device_ids",
    "end_device_ids.dev_eui",
    "uplink_message",
    "uplink_message.f_port",
    "uplink_message.frm_payload",
    "uplink_message.received_at",
    "received_at",
  ],
  "chirpstack-elsys": ["deviceInfo", "deviceInfo.devEui", "fPort", "fCnt", "data", "time"],
  "gps-tracker": ["id", "lat", "lon", "timestamp", "altitude", "accuracy", "batt"],
  json: [
    "reference",
    "measuredAt",
    "measures",
    "measures.0",
    "measures.0.name",
    "measures.0.type",
    "measures.0.values",
    "measures.0.measuredAt",
  ],
};
/** A string field of each decoder's body, to carry bad bytes and long strings. */
const TEXT_FIELD: Record<TSimulatedAction, string> = {
  "tts-elsys": "end_device_ids.dev_eui",
  "chirpstack-elsys": "deviceInfo.devEui",
  "gps-tracker": "id",
  json: "reference",
};
/** A number field of each decoder's body. */
const NUMBER_FIELD: Record<TSimulatedAction, string> = {
  "tts-elsys": "uplink_message.f_port",
  "chirpstack-elsys": "fCnt",
  "gps-tracker": "lat",
  json: "measures.0.values.temperature",
};
const MARK = "@@MARK@@";

/** A realistic body of a simulated device (distinct per seed). */
function sample(action: TSimulatedAction, seed: number): Record<string, unknown> {
  const device = new SimulatedDevice(action, 50_000 + (seed % 100_000), mulberry32(seed));
  return device.next(new Date(T0 + seed * 1000)) as Record<string, unknown>;
}

/** The body with the field at path set (undefined: removed). */
function setAt(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split(".");
  const last = keys.pop() as string;
  let at = copy;
  for (const k of keys) at = at[k] as Record<string, unknown>;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** The JSON text of a body for a route: a batch of one, or with its deviceModel. */
function textFor(route: TRoute, action: TSimulatedAction, body: Record<string, unknown>): string {
  if (route === "batch") return JSON.stringify([body]);
  if (route === "model") return JSON.stringify({ deviceModel: MODEL[action], ...body });
  return JSON.stringify(body);
}

const pathOf = (route: TRoute, action: TSimulatedAction) =>
  route === "batch" ? `/api/payloads/${action}/batch` : route === "model" ? "/api/payloads" : `/api/payloads/${action}`;

const actionArb = fc.constantFrom(...SIMULATED_ACTIONS);
const routeArb = fc.constantFrom<TRoute>("single", "batch", "model");
const seedArb = fc.integer({ min: 1, max: 1_000_000 });
const wrongValueArb = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "x".repeat(300), "2026-13-45T99:99:99Z", "not base64 ~~"),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);
const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const bytes = (text: string) => Buffer.from(text, "utf8");

/** The router answers first: a bad URL (400), a name over its 100 characters (414), a path outside /api/payloads (404). */
function routeStatus(decoder: string, auth: string | null | undefined): number[] {
  if (decoder === "..") return [404];
  if (decoder.length > 100) return [414];
  if (decoder.startsWith("%") && decoder !== "%00") return [400];
  if (auth !== undefined) return [401];
  return decoder === "json" ? [400] : [404];
}

function badCases(): TCase[] {
  const cases: TCase[] = [];
  const take = <T>(arb: fc.Arbitrary<T>, n: number, salt: number) => fc.sample(arb, { seed: SEED + salt, numRuns: n });

  // wrong JSON types for each field of each decoder, on each route (the decoder's verdict)
  for (const [action, route, seed, field, value] of take(
    fc
      .tuple(actionArb, routeArb, seedArb)
      .chain(([a, r, s]) =>
        fc.tuple(fc.constant(a), fc.constant(r), fc.constant(s), fc.constantFrom(...FIELDS[a]), wrongValueArb),
      ),
    80,
    1,
  )) {
    const text = textFor(route, action, setAt(sample(action, seed), field, value));
    cases.push({ category: "wrong type", path: pathOf(route, action), body: text, ...verdict(route, action, text) });
  }

  // truncated JSON
  for (const [action, route, seed, cut] of take(
    fc.tuple(actionArb, routeArb, seedArb, fc.integer({ min: 0, max: 1_000_000 })),
    30,
    2,
  )) {
    const text = textFor(route, action, sample(action, seed));
    cases.push({
      category: "truncated JSON",
      path: pathOf(route, action),
      body: text.slice(0, cut % text.length),
      status: [400],
    });
  }

  // not JSON at all
  const notJson = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc.constantFrom("NaN", "Infinity", "-Infinity", "undefined", "{'a':1}", "{a:1}", "[1,]", '{"a":1,}', "01", "+1", "0x10"),
    fc.constantFrom('"unterminated', '{"a" 1}', "//c\n{}", "{}garbage", "{} {}", "\u00a0{}", '{"a":"\u0001"}', '{"a":"\t"}'),
  );
  for (const [action, route, text] of take(fc.tuple(actionArb, routeArb, notJson), 25, 3))
    cases.push({ category: "not JSON", path: pathOf(route, action), body: text, status: [400] });

  // valid JSON of the wrong shape: null, numbers, strings, arrays where an object is due (and the reverse for batches)
  for (const [action, route, value] of take(fc.tuple(actionArb, routeArb, fc.jsonValue({ maxDepth: 3 })), 20, 4)) {
    const text = JSON.stringify(value);
    cases.push({ category: "wrong shape", path: pathOf(route, action), body: text, ...verdict(route, action, text) });
  }
  for (const [action, route] of take(fc.tuple(actionArb, routeArb), 8, 5))
    for (const text of ["null", "0", '"x"', "true", "[]"])
      cases.push({ category: "wrong shape", path: pathOf(route, action), body: text, status: [400] });

  // deep nesting: alone, inside a valid payload, inside a batch item, and never closed
  for (const depth of [100, 1000, 10_000, 100_000]) {
    for (const [action, route] of take(fc.tuple(actionArb, routeArb), 2, 6 + depth)) {
      cases.push({ category: "deep nesting", path: pathOf(route, action), body: nested(depth, "[", "]"), status: [400] });
      cases.push({ category: "deep nesting", path: pathOf(route, action), body: deepObject(depth), status: [400] });
      const text = textFor(route, action, setAt(sample(action, depth), TEXT_FIELD[action], MARK));
      cases.push({
        category: "deep nesting",
        path: pathOf(route, action),
        body: text.replace(`"${MARK}"`, nested(depth, "[", "]")),
        status: [400],
      });
    }
    cases.push({
      category: "deep nesting",
      path: "/api/payloads/json",
      body: JSON.stringify(sample("json", depth)).replace('"temperature":', `"deep":${deepObject(depth)},"temperature":`),
      status: [400],
    });
    cases.push({ category: "deep nesting", path: "/api/payloads/json/batch", body: "[".repeat(depth), status: [400] });
  }
  const oneTooDeep = setAt(sample("json", 7), "measures.0.values.detail", JSON.parse(deepObject(MAX_JSON_DEPTH - 3)));
  cases.push({ category: "deep nesting", path: "/api/payloads/json", body: JSON.stringify(oneTooDeep), status: [400] });

  // huge, tiny and odd numbers in a number field (out of double range: refused; the rest: the decoder's verdict)
  const numbers = [
    "1e400",
    "-1e400",
    "1e309",
    "123456789012345678901234567890",
    "-0",
    "5e-400",
    "1.7976931348623157e308",
    "NaN",
    "1e",
    "--1",
    "0.",
    ".5",
  ];
  for (const [action, route, seed, literal] of take(fc.tuple(actionArb, routeArb, seedArb, fc.constantFrom(...numbers)), 36, 7)) {
    const text = textFor(route, action, setAt(sample(action, seed), NUMBER_FIELD[action], MARK)).replace(`"${MARK}"`, literal);
    const finite = Number.isFinite(Number(literal)) && /^-?\d+(\.\d+)?(e-?\d+)?$/.test(literal);
    cases.push({
      category: "huge numbers",
      path: pathOf(route, action),
      body: text,
      ...(finite ? verdict(route, action, text) : { status: [400] }),
    });
  }

  // huge strings: long fields, up to just under and just over 1 MiB (bytes, not characters), and streamed over it
  for (const [action, route, seed, size, char] of take(
    fc.tuple(
      actionArb,
      routeArb,
      seedArb,
      fc.constantFrom(129, 10_000, MAX_BODY_BYTES - 2000, MAX_BODY_BYTES + 10),
      fc.constantFrom("x", "é"),
    ),
    14,
    8,
  )) {
    const template = textFor(route, action, setAt(sample(action, seed), TEXT_FIELD[action], MARK));
    const fill = char.repeat(Math.max(1, Math.floor((size - template.length) / Buffer.byteLength(char))));
    const text = template.replace(MARK, fill);
    cases.push({
      category: "huge strings",
      path: pathOf(route, action),
      body: text,
      ...(Buffer.byteLength(text) > MAX_BODY_BYTES ? { status: [413] } : verdict(route, action, text)),
    });
  }
  const exact = JSON.stringify({ reference: "x".repeat(MAX_BODY_BYTES - 30), measures: [] }); // 1 MiB exactly
  cases.push({ category: "huge strings", path: "/api/payloads/json", body: exact, status: [400] });
  cases.push({ category: "huge strings", path: "/api/payloads/json", body: `${exact} `, status: [413] });
  cases.push({
    category: "huge strings",
    path: "/api/payloads/json",
    body: () =>
      new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          controller.close();
        },
      }),
    status: [413],
  });

  // invalid UTF-8 inside a string, a key or between tokens; JSON escapes Postgres refuses (NUL, lone surrogates)
  const badBytes = fc.constantFrom(
    [0xff],
    [0xfe],
    [0x80],
    [0xc3, 0x28],
    [0xc0, 0xaf],
    [0xe0, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0xe2, 0x82],
    [0x00],
  );
  for (const [action, route, seed, bad, where] of take(
    fc.tuple(actionArb, routeArb, seedArb, badBytes, fc.constantFrom("value", "key", "token")),
    30,
    9,
  )) {
    const body = where === "key" ? { ...sample(action, seed), [MARK]: 1 } : setAt(sample(action, seed), TEXT_FIELD[action], MARK);
    const template = textFor(route, action, body);
    const at = template.indexOf(MARK);
    const [before, after] =
      where === "token"
        ? [template.slice(0, at - 1), `"x"${template.slice(at + MARK.length + 1)}`]
        : [template.slice(0, at), template.slice(at + MARK.length)];
    const raw = Buffer.concat([bytes(before), Buffer.from(bad), bytes(after)]);
    cases.push({ category: "invalid UTF-8", path: pathOf(route, action), body: raw, status: [400] });
  }
  const escapes = ["\\u0000", "a\\u0000b", "\\ud800", "\\udfff", "x\\ud83dy", "\\ude00\\ud83d"];
  for (const [action, route, seed, sequence, inKey] of take(
    fc.tuple(actionArb, routeArb, seedArb, fc.constantFrom(...escapes), fc.boolean()),
    24,
    10,
  )) {
    const body = inKey ? { ...sample(action, seed), [MARK]: 1 } : setAt(sample(action, seed), TEXT_FIELD[action], MARK);
    const text = textFor(route, action, body).replace(MARK, sequence);
    cases.push({ category: "unstorable text", path: pathOf(route, action), body: text, status: [400] });
  }

  // wrong, odd or missing content types, on a body that is otherwise good
  const types = [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/xml",
    "text/xml",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "application/jsonx",
    "application/problem+json",
    "text/json",
    "json",
    "*/*",
    null,
  ];
  for (const [action, route, seed, type] of take(fc.tuple(actionArb, routeArb, seedArb, fc.constantFrom(...types)), 26, 11))
    cases.push({
      category: "content type",
      path: pathOf(route, action),
      contentType: type,
      body: bytes(textFor(route, action, sample(action, seed))),
      status: [415],
    });

  // empty bodies, with and without a content type
  for (const [action, route, type] of take(
    fc.tuple(actionArb, routeArb, fc.constantFrom<string | null | undefined>(undefined, null, "text/plain")),
    12,
    12,
  ))
    cases.push({
      category: "empty body",
      path: pathOf(route, action),
      contentType: type,
      body: new Uint8Array(0),
      status: type === "text/plain" ? [415] : [400],
    });

  // batches that are not arrays, empty, too long, or with items that are not objects or are refused
  for (const [action, seed] of take(fc.tuple(actionArb, seedArb), 6, 13)) {
    const good = JSON.stringify(sample(action, seed));
    const path = `/api/payloads/${action}/batch`;
    for (const text of [
      "{}",
      good,
      "[]",
      `[${Array(1001).fill("{}").join(",")}]`,
      `[${good},null]`,
      `[${good},1]`,
      `[${good},[]]`,
      `[[${good}]]`,
    ])
      cases.push({ category: "bad batch", path, body: text, status: [400] });
    const refused = `[${good},{}]`;
    cases.push({ category: "bad batch", path, body: refused, ...verdict("batch", action, refused) });
  }

  // deviceModel of the wrong type, unknown, or naming another decoder than the body's
  const models = fc.constantFrom<unknown>(
    null,
    1,
    true,
    [],
    {},
    "",
    "Unknown",
    "__proto__",
    "toString",
    "constructor",
    "elsysers",
    "ElsysERS ",
    "x".repeat(5000),
    "ElsysERS",
    "GpsTracker",
    "GenericJson",
    undefined,
  );
  for (const [action, seed, model] of take(fc.tuple(actionArb, seedArb, models), 24, 14)) {
    const text = JSON.stringify({ ...sample(action, seed), deviceModel: model });
    cases.push({ category: "deviceModel", path: "/api/payloads", body: text, ...verdict("model", action, text) });
  }

  // prototype poisoning
  for (const [action, route, seed, poison] of take(
    fc.tuple(
      actionArb,
      routeArb,
      seedArb,
      fc.constantFrom('"__proto__":{"admin":true}', '"constructor":{"prototype":{"admin":true}}'),
    ),
    8,
    15,
  )) {
    const text = textFor(route, action, sample(action, seed)).replace(/^(\[?)\{/, `$1{${poison},`);
    cases.push({ category: "prototype poisoning", path: pathOf(route, action), body: text, status: [400] });
  }

  // keys, decoders and methods
  for (const [auth, decoder] of take(
    fc.tuple(
      fc.constantFrom<string | null | undefined>(
        undefined,
        undefined,
        null,
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer iotk_nope",
        "Bearer \u00e9",
      ),
      fc.constantFrom("json", "nope", "JSON", "%00", "%ZZ", "a".repeat(3000), "json%2Fbatch", "..", "json/batch/x", "%E0%A4%A"),
    ),
    20,
    16,
  )) {
    cases.push({
      category: "key and route",
      path: `/api/payloads/${decoder}`,
      auth,
      body: "{}",
      status: routeStatus(decoder, auth),
    });
  }
  cases.push({ category: "key and route", method: "GET", path: "/api/payloads/json", status: [404] });
  cases.push({ category: "key and route", method: "PUT", path: "/api/payloads/json", body: "{}", status: [404] });
  return cases;
}

/** Good payloads of every decoder, on every route, from devices of this round only. */
function goodCases(round: number): TCase[] {
  const cases: TCase[] = [];
  let n = 2_000_000 + round * 1000; // seeds no bad case uses
  for (const action of SIMULATED_ACTIONS)
    for (let i = 0; i < 6; i++) {
      const body = sample(action, ++n);
      cases.push({ category: "good", path: `/api/payloads/${action}`, body: JSON.stringify(body), status: [202], good: true });
      const items = [sample(action, ++n), sample(action, ++n), sample(action, ++n)];
      cases.push({
        category: "good",
        path: `/api/payloads/${action}/batch`,
        body: JSON.stringify(items),
        status: [200],
        items: items.map(() => ["VALID"]),
        good: true,
      });
      if (action !== "chirpstack-elsys")
        cases.push({
          category: "good",
          path: "/api/payloads",
          body: textFor("model", action, sample(action, ++n)),
          status: [202],
          good: true,
        });
    }
  // also good: charset given, nesting a little deeper, emoji, a long value
  const json = sample("json", ++n);
  cases.push({
    category: "good",
    path: "/api/payloads/json",
    contentType: "application/json; charset=utf-8",
    body: JSON.stringify(sample("json", ++n)),
    status: [202],
    good: true,
  });
  cases.push({
    category: "good",
    path: "/api/payloads/json",
    // as deep as allowed: payload, measures, a measure, its values, then these
    body: JSON.stringify(setAt(json, "measures.0.values.detail", JSON.parse(deepObject(MAX_JSON_DEPTH - 4)))),
    status: [202],
    good: true,
  });
  cases.push({
    category: "good",
    path: "/api/payloads/json",
    body: JSON.stringify(setAt(sample("json", ++n), "reference", `r-😀-${round}`)),
    status: [202],
    good: true,
  });
  cases.push({
    category: "good",
    path: "/api/payloads/json",
    body: JSON.stringify(setAt(sample("json", ++n), "measures.0.values.note", "n".repeat(MAX_BODY_BYTES / 2))),
    status: [202],
    good: true,
  });
  return cases;
}

// ---- the process --------------------------------------------------------------------------------

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

async function keyFor(tenantId: string) {
  const userId = randomUUID();
  const token = newToken("apiKey");
  await withPlatform(async (db) => {
    await db.user.create({ data: { id: userId, email: `${userId}@fuzz.test`, name: "fuzz", passwordHash: "x" } });
    await db.membership.create({ data: { tenantId, userId, profiles: ["admin"] } });
    await db.apiKey.create({
      data: { userId, name: "fuzz", tokenHash: hashToken(token), prefix: token.slice(0, 12), tenantId, permissions: [] },
    });
  });
  return token;
}

interface TOutcome {
  c: TCase;
  status: number;
  text: string;
}

describe("payload webhook under bad input (the real process)", () => {
  const prefix = `iot-fuzz-${randomUUID().slice(0, 8)}`;
  let child: ChildProcess;
  let stderr = "";
  let base = "";
  let key = "";
  let tenantId = "";

  beforeAll(async () => {
    const port = await sparePort();
    base = `http://127.0.0.1:${port}`;
    // main.ts as it runs, plus a full garbage collection on SIGUSR2, so memory is compared after one
    const gcOnSignal = "data:text/javascript,process.on('SIGUSR2',()=>globalThis.gc())";
    child = spawn(process.execPath, ["--expose-gc", "--import", gcOnSignal, "--import", "tsx", "apps/ingest/src/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, INGEST_PORT: String(port), QUEUE_PREFIX: prefix, INGEST_RATE_PER_MINUTE: "100000000" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.resume();
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await withPlatform((db) => ensureDecoderModels(db));
    tenantId = await withPlatform(
      async (db) => (await createTenant(db, { name: `fuzz-${randomUUID().slice(0, 6)}`, group: "commons" })).id,
    );
    key = await keyFor(tenantId);
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`ingest exited (${child.exitCode}): ${stderr}`);
      if (
        await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 300) throw new Error(`ingest did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  async function send(c: TCase): Promise<TOutcome> {
    const headers: Record<string, string> = {};
    if (c.auth !== null) headers.authorization = c.auth ?? `Bearer ${key}`;
    if (c.contentType !== null) headers["content-type"] = c.contentType ?? "application/json";
    const body = typeof c.body === "function" ? c.body() : c.body;
    const init = { method: c.method ?? "POST", headers, body, duplex: "half" } as RequestInit;
    try {
      const res = await fetch(`${base}${c.path}`, init);
      return { c, status: res.status, text: await res.text() };
    } catch (error) {
      return { c, status: 0, text: String((error as Error).cause ?? error) };
    }
  }

  /** Sends the cases CONCURRENCY at a time, in the order given. */
  async function run(cases: TCase[]): Promise<TOutcome[]> {
    const out: TOutcome[] = new Array(cases.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const i = next++;
          out[i] = await send(cases[i] as TCase);
        }
      }),
    );
    return out;
  }

  /** What is wrong with an answer, if anything. */
  function problem({ c, status, text }: TOutcome): string | undefined {
    if (!c.status.includes(status)) return `status ${status}, expected ${c.status.join("|")}: ${text.slice(0, 200)}`;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return `not a JSON answer: ${text.slice(0, 200)}`;
    }
    if (/\n\s+at /.test(text)) return `a stack trace in the answer: ${text.slice(0, 200)}`;
    if (status >= 400) {
      const error = (json as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof error?.code !== "string" || typeof error.message !== "string" || !error.message)
        return `not { error: { code, message } }: ${text.slice(0, 200)}`;
    }
    if (c.items) {
      const states = Array.isArray(json) ? json.map((i: { state?: string }) => i.state) : [];
      if (states.length !== c.items.length || states.some((s, i) => !c.items?.[i]?.includes(s as string)))
        return `batch states ${JSON.stringify(states)}, expected ${JSON.stringify(c.items)}`;
    }
    return undefined;
  }

  it("answers every bad request with a 4xx, stores every good one, does not grow, and stays up", {
    timeout: 90_000,
  }, async () => {
    const started = Date.now();
    const bad = badCases();
    expect(bad.length).toBeGreaterThan(BAD_PER_ROUND_MIN);
    const problems: string[] = [];
    const summary = new Map<string, Map<number, number>>();
    const goodIds: string[] = [];
    const rss: number[] = [];

    for (const round of [1, 2]) {
      // the bad traffic of both rounds is the same; good payloads are new ones, spread through it
      const goods = goodCases(round);
      const random = mulberry32(SEED + round);
      const cases = [...bad];
      for (const g of goods) cases.splice(Math.floor(random() * (cases.length + 1)), 0, g);
      for (const outcome of await run(cases)) {
        const wrong = problem(outcome);
        if (wrong)
          problems.push(`[${outcome.c.category}] ${outcome.c.method ?? "POST"} ${outcome.c.path.slice(0, 60)}: ${wrong}`);
        if (outcome.c.good && !wrong) {
          const json = JSON.parse(outcome.text) as { payloadId: string } | { payloadId: string }[];
          for (const item of Array.isArray(json) ? json : [json]) goodIds.push(item.payloadId);
        }
        const byStatus = summary.get(outcome.c.category) ?? new Map<number, number>();
        byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
        summary.set(outcome.c.category, byStatus);
      }
      child.kill("SIGUSR2");
      await new Promise((r) => setTimeout(r, 300));
      rss.push(rssMb(child.pid as number));
    }

    console.log(
      [
        `fuzz: ${bad.length} bad requests x 2 rounds, in ${((Date.now() - started) / 1000).toFixed(1)} s; ingest RSS ${rss.map((r) => `${r.toFixed(0)} MB`).join(" -> ")}`,
        ...[...summary].map(
          ([category, byStatus]) => `  ${category.padEnd(20)} ${[...byStatus].map(([s, n]) => `${s}x${n}`).join(" ")}`,
        ),
      ].join("\n"),
    );
    expect(problems.slice(0, 30), `${problems.length} wrong answers`).toEqual([]);

    // every good payload is stored, in the key's tenant, as received
    const stored = await withPlatform(
      (db) => db.$queryRaw<{ id: string; state: string; tenant_id: string }[]>`
        SELECT id::text, state, tenant_id::text FROM payloads WHERE id = ANY(${goodIds}::uuid[])`,
    );
    expect(goodIds.length).toBeGreaterThan(100);
    expect(stored.length).toBe(new Set(goodIds).size);
    // (RECEIVED: no worker consumes this test's queues; VALID, should another test's sweeper pick them up)
    expect(stored.filter((p) => !["RECEIVED", "VALID"].includes(p.state) || p.tenant_id !== tenantId)).toEqual([]);

    // the same bad traffic again does not grow the process
    expect((rss[1] ?? 0) - (rss[0] ?? 0)).toBeLessThan(RSS_GROWTH_LIMIT_MB);

    // still up, nothing uncaught, and it shuts down cleanly
    expect(child.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(stderr).not.toMatch(/uncaught|unhandled|\n\s+at /i);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
  });
});
