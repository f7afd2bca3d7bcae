import { describe, expect, it } from "vitest";
import { MAX_CONDITION_DEPTH, MAX_CONDITION_NODES, type TCondition, ZCondition } from "./conditions";
import { evaluateCondition, type TPayload } from "./evaluate";
import { explainCondition } from "./explain";

// Place Bellecour, Lyon; a degree of latitude is 111,195 m.
const BELLECOUR = { lat: 45.7578, lon: 4.832 };
const north = (m: number) => ({ lat: BELLECOUR.lat + m / 111_195, lon: BELLECOUR.lon });
// Parc de la Tête d'Or, roughly
const PARK: [number, number][] = [
  [45.7835, 4.8455],
  [45.7835, 4.8605],
  [45.7705, 4.8605],
  [45.7705, 4.8455],
];
const IN_PARK = { lat: 45.777, lon: 4.853 };

const payload = (values: Record<string, unknown>, extra: Record<string, unknown> = {}): TPayload => ({
  twin: { id: "t1", model: "Container", reference: "C-042", metadata: { owner: "acme", floor: 2 } },
  measure: { name: "temperature", slot: null, type: "temperature", measuredAt: new Date("2025-06-01T12:00:00Z"), values },
  ...extra,
});

const parse = (doc: unknown) => ZCondition.parse(doc);
const holds = (doc: unknown, p: TPayload, previous?: TPayload | null) => evaluateCondition(parse(doc), p, previous).holds;
const issues = (doc: unknown) => {
  const r = ZCondition.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
};
const cmp = (field: string, op: string, value: unknown) => ({ field, op, value });
const T = "measure.values.temperature";

describe("field comparisons", () => {
  const p = payload({ temperature: 31.5, status: "ok", door: false, code: 7, label: "12" });

  it("eq, ne, in, nin over scalars, never across types", () => {
    expect(holds(cmp(T, "eq", 31.5), p)).toBe(true);
    expect(holds(cmp(T, "eq", "31.5"), p)).toBe(false);
    expect(holds(cmp("measure.values.door", "eq", false), p)).toBe(true);
    expect(holds(cmp("measure.values.status", "ne", "ko"), p)).toBe(true);
    expect(holds(cmp("measure.values.status", "ne", "ok"), p)).toBe(false);
    expect(holds(cmp("measure.values.code", "in", [1, 7]), p)).toBe(true);
    expect(holds(cmp("measure.values.code", "in", ["7"]), p)).toBe(false);
    expect(holds(cmp("measure.values.code", "nin", [1, 2]), p)).toBe(true);
    expect(holds(cmp("measure.values.code", "nin", [7]), p)).toBe(false);
    expect(holds(cmp("twin.model", "in", ["Container", "Pallet"]), p)).toBe(true);
  });

  it("gt, gte, lt, lte, between on numbers, inclusive bounds", () => {
    expect(holds(cmp(T, "gt", 30), p)).toBe(true);
    expect(holds(cmp(T, "gt", 31.5), p)).toBe(false);
    expect(holds(cmp(T, "gte", 31.5), p)).toBe(true);
    expect(holds(cmp(T, "lt", 31.5), p)).toBe(false);
    expect(holds(cmp(T, "lte", 31.5), p)).toBe(true);
    expect(holds(cmp(T, "lt", -40), p)).toBe(false);
    expect(holds(cmp(T, "between", [31.5, 40]), p)).toBe(true);
    expect(holds(cmp(T, "between", [20, 31.5]), p)).toBe(true);
    expect(holds(cmp(T, "between", [32, 40]), p)).toBe(false);
    expect(holds(cmp(T, "between", [-10, -10]), payload({ temperature: -10 }))).toBe(true);
  });

  it("compares ISO dates with Date values and ISO text, whatever the offset", () => {
    const at = "measure.measuredAt";
    expect(holds(cmp(at, "gt", "2025-06-01T11:59:59Z"), p)).toBe(true);
    expect(holds(cmp(at, "gte", "2025-06-01T14:00:00+02:00"), p)).toBe(true);
    expect(holds(cmp(at, "lt", "2025-06-01"), p)).toBe(false);
    expect(holds(cmp(at, "between", ["2025-06-01", "2025-06-02"]), p)).toBe(true);
    expect(holds(cmp(at, "eq", "2025-06-01T14:00:00.000+02:00"), p)).toBe(true);
    expect(holds(cmp("due", "lte", "2025-06-01T00:00:00Z"), payload({}, { due: "2025-05-31T23:00:00Z" }))).toBe(true);
  });

  it("exists, and eq / ne null, see a missing or null field", () => {
    expect(holds(cmp(T, "exists", true), p)).toBe(true);
    expect(holds(cmp("measure.values.humidity", "exists", true), p)).toBe(false);
    expect(holds(cmp("measure.values.humidity", "exists", false), p)).toBe(true);
    expect(holds(cmp("measure.slot", "exists", false), p)).toBe(true); // null counts as missing
    expect(holds(cmp("measure.slot", "eq", null), p)).toBe(true);
    expect(holds(cmp(T, "ne", null), p)).toBe(true);
  });

  it("does not hold, and does not throw, on a missing field or a value of the wrong type", () => {
    for (const op of ["eq", "ne", "gt", "gte", "lt", "lte"])
      expect(holds(cmp("measure.values.humidity", op, 1), p), op).toBe(false);
    expect(holds(cmp("measure.values.humidity", "in", [1]), p)).toBe(false);
    expect(holds(cmp("measure.values.humidity", "nin", [1]), p)).toBe(false);
    expect(holds(cmp("measure.values.humidity", "between", [1, 2]), p)).toBe(false);
    expect(holds(cmp("measure.values.label", "gt", 5), p)).toBe(false); // "12" is text, not a number
    expect(holds(cmp("measure.values.status", "lt", "2030-01-01"), p)).toBe(false); // not a date
    expect(holds(cmp("twin.metadata", "gt", 1), p)).toBe(false);
    expect(holds(cmp("measure.values.temperature.deeper.still", "eq", 1), p)).toBe(false);
    expect(holds(cmp("measure.measuredAt.getTime", "exists", true), p)).toBe(false);
    expect(holds(cmp("twin.constructor", "exists", true), p)).toBe(false); // own properties only
    expect(holds(cmp(T, "gt", 1), {})).toBe(false);
  });

  it("indexes arrays with numeric segments", () => {
    const q = payload({}, { measures: [{ values: { t: 4 } }, { values: { t: 9 } }] });
    expect(holds(cmp("measures.1.values.t", "gt", 5), q)).toBe(true);
    expect(holds(cmp("measures.x.values.t", "exists", true), q)).toBe(false);
  });
});

describe("all, any, not", () => {
  const p = payload({ temperature: 35 });
  const hot = cmp(T, "gt", 30);
  const cold = cmp(T, "lt", 0);

  it("combine and nest", () => {
    expect(holds({ all: [hot, { not: cold }] }, p)).toBe(true);
    expect(holds({ all: [hot, cold] }, p)).toBe(false);
    expect(holds({ any: [cold, hot] }, p)).toBe(true);
    expect(holds({ any: [cold, { not: hot }] }, p)).toBe(false);
    expect(holds({ not: { any: [cold, { all: [hot, { not: { not: hot } }] }] } }, p)).toBe(false);
    // not of a missing field holds: the way to say "anything but"
    expect(holds({ not: cmp("measure.values.status", "eq", "ok") }, p)).toBe(true);
  });

  it("trace every node with whether it held and the value seen", () => {
    const doc = parse({ all: [hot, { not: cmp("measure.values.humidity", "gt", 50) }, { any: [cold] }] });
    const { holds: result, trace } = evaluateCondition(doc, p);
    expect(result).toBe(false);
    expect(trace).toEqual({
      path: "",
      kind: "all",
      holds: false,
      children: [
        { path: "all.0", kind: "field", holds: true, actual: 35 },
        {
          path: "all.1",
          kind: "not",
          holds: true,
          children: [{ path: "all.1.not", kind: "field", holds: false, note: "missing" }],
        },
        {
          path: "all.2",
          kind: "any",
          holds: false,
          children: [{ path: "all.2.any.0", kind: "field", holds: false, actual: 35 }],
        },
      ],
    });
    const dated = evaluateCondition(parse(cmp("measure.measuredAt", "gt", 5)), p).trace;
    expect(dated).toEqual({ path: "", kind: "field", holds: false, actual: "2025-06-01T12:00:00.000Z", note: "not a number" });
  });
});

describe("geofences", () => {
  const at = (position: unknown) => payload({ position });
  const circle = (when: string) => ({
    geofence: { field: "measure.values.position", shape: { circle: { ...BELLECOUR, radiusM: 200 } }, when },
  });
  const park = (when: string) => ({ geofence: { field: "measure.values.position", shape: { polygon: PARK }, when } });

  it("circle: 150 m from the center is inside, 250 m outside (haversine)", () => {
    expect(holds(circle("inside"), at(north(150)))).toBe(true);
    expect(holds(circle("outside"), at(north(150)))).toBe(false);
    expect(holds(circle("inside"), at(north(250)))).toBe(false);
    expect(holds(circle("outside"), at(north(250)))).toBe(true);
    // east-west too: at 45.76° N a degree of longitude is only ~77.6 km
    expect(holds(circle("inside"), at({ lat: BELLECOUR.lat, lon: BELLECOUR.lon + 0.0023 }))).toBe(true); // ~178 m
    expect(holds(circle("inside"), at({ lat: BELLECOUR.lat, lon: BELLECOUR.lon + 0.0028 }))).toBe(false); // ~217 m
    const { trace } = evaluateCondition(parse(circle("inside")), at(north(150)));
    expect(trace).toMatchObject({ kind: "geofence", holds: true, actual: north(150), note: "150 m from the center" });
  });

  it("polygon: ray casting", () => {
    expect(holds(park("inside"), at(IN_PARK))).toBe(true);
    expect(holds(park("inside"), at(BELLECOUR))).toBe(false);
    expect(holds(park("outside"), at(BELLECOUR))).toBe(true);
    // a concave polygon: the notch is outside
    const u: [number, number][] = [
      [45.78, 4.84],
      [45.78, 4.87],
      [45.77, 4.87],
      [45.77, 4.86],
      [45.775, 4.86],
      [45.775, 4.85],
      [45.77, 4.85],
      [45.77, 4.84],
    ];
    const inU = { geofence: { field: "measure.values.position", shape: { polygon: u }, when: "inside" } };
    expect(holds(inU, at({ lat: 45.772, lon: 4.855 }))).toBe(false);
    expect(holds(inU, at({ lat: 45.772, lon: 4.845 }))).toBe(true);
    expect(holds(inU, at({ lat: 45.777, lon: 4.855 }))).toBe(true);
  });

  it("enter and exit compare with the twin's previous payload", () => {
    const inside = at(north(150));
    const outside = at(north(250));
    expect(holds(circle("enter"), inside, outside)).toBe(true);
    expect(holds(circle("enter"), inside, inside)).toBe(false);
    expect(holds(circle("enter"), outside, inside)).toBe(false);
    expect(holds(circle("exit"), outside, inside)).toBe(true);
    expect(holds(circle("exit"), outside, outside)).toBe(false);
    expect(holds(circle("exit"), inside, inside)).toBe(false);
    expect(holds(park("exit"), at(BELLECOUR), at(IN_PARK))).toBe(true);
    expect(holds(park("enter"), at(IN_PARK), at(BELLECOUR))).toBe(true);
    // no previous: enter is "inside now", exit never
    expect(holds(circle("enter"), inside)).toBe(true);
    expect(holds(circle("enter"), outside, null)).toBe(false);
    expect(holds(circle("exit"), outside)).toBe(false);
    // a previous payload without a position counts as outside
    expect(holds(circle("enter"), inside, payload({ temperature: 3 }))).toBe(true);
    const { trace } = evaluateCondition(parse(circle("exit")), outside, inside);
    expect(trace).toMatchObject({ holds: true, actual: north(250), previous: north(150), note: "250 m from the center" });
  });

  it("a missing or malformed position holds nothing, not even outside", () => {
    for (const when of ["inside", "outside", "enter", "exit"]) {
      expect(holds(circle(when), payload({ temperature: 3 }), at(north(150))), when).toBe(false);
      expect(holds(circle(when), at({ lat: "45.7", lon: 4.8 }), at(north(150))), when).toBe(false);
      expect(holds(park(when), at([45.777, 4.853]), at(BELLECOUR)), when).toBe(false);
    }
    expect(evaluateCondition(parse(circle("outside")), at("here")).trace).toMatchObject({
      holds: false,
      actual: "here",
      note: "not a { lat, lon } position",
    });
  });
});

describe("twin conditions", () => {
  const p = payload(
    { temperature: 4 },
    { asset: { id: "a1", model: "Warehouse", reference: "W-1", metadata: { city: "Lyon" } } },
  );

  it("use the twin search filter language on the payload's twin", () => {
    expect(holds({ twin: { model: "Container" } }, p)).toBe(true);
    expect(holds({ twin: { model: ["Pallet", "Truck"] } }, p)).toBe(false);
    expect(holds({ twin: { metadata: { field: "floor", op: "gte", value: 2 } } }, p)).toBe(true);
    expect(
      holds(
        { twin: { and: [{ reference: { prefix: "C-" } }, { not: { metadata: { field: "owner", op: "eq", value: "acme" } } }] } },
        p,
      ),
    ).toBe(false);
    expect(holds({ twin: { text: "ACME" } }, p)).toBe(true);
    expect(holds({ twin: { metadata: { field: "owner", op: "exists" } } }, p)).toBe(true); // value defaults to true
    expect(holds({ all: [{ twin: { model: "Container" } }, cmp(T, "lt", 5)] }, p)).toBe(true);
  });

  it("reach another twin of the payload with `of`, and hold nothing when it is missing", () => {
    expect(holds({ twin: { metadata: { field: "city", op: "eq", value: "Lyon" } }, of: "asset" }, p)).toBe(true);
    expect(holds({ twin: { model: "Container" }, of: "asset" }, p)).toBe(false);
    const { trace } = evaluateCondition(parse({ twin: { model: "Warehouse" }, of: "device" }), p);
    expect(trace).toEqual({ path: "", kind: "twin", holds: false, note: "no twin at device" });
    expect(evaluateCondition(parse({ twin: { model: "Container" } }), p).trace.actual).toEqual({
      model: "Container",
      reference: "C-042",
      metadata: { owner: "acme", floor: 2 },
    });
  });

  it("refuse lastSeen, which only the database knows", () => {
    expect(issues({ any: [{ twin: { or: [{ model: "A" }, { not: { lastSeen: { withinSeconds: 60 } } }] } }] })).toEqual([
      { path: "any.0.twin.or.1.not.lastSeen", message: expect.stringMatching(/^lastSeen is a search filter/) },
    ]);
  });
});

describe("validation", () => {
  it("names the path of each mistake", () => {
    expect(
      issues({
        all: [
          cmp(T, "gt", "hot"),
          cmp(T, "above", 3),
          cmp("measure values", "eq", 1),
          { not: cmp(T, "between", [40, 30]) },
          cmp(T, "in", []),
          cmp(T, "eq", { a: 1 }),
          cmp(T, "exists", "yes"),
          {
            geofence: {
              field: "p",
              shape: {
                polygon: [
                  [1, 2],
                  [3, 4],
                ],
              },
              when: "inside",
            },
          },
          { geofence: { field: "p", shape: { circle: { lat: 95, lon: 4, radiusM: 10 } }, when: "near" } },
          { ...cmp(T, "gt", 1), extra: true },
          {},
          { all: [cmp(T, "gt", 1)], any: [cmp(T, "gt", 1)] },
          { any: [] },
          cmp(T, "gte", "2025-06-01T12:00:00"),
        ],
      }),
    ).toEqual([
      { path: "all.0.value", message: expect.stringMatching(/ISO date/) },
      { path: "all.1.op", message: "op must be one of eq, ne, in, nin, gt, gte, lt, lte, between, exists" },
      { path: "all.2.field", message: expect.stringMatching(/dotted path/) },
      { path: "all.3.not.value", message: expect.stringMatching(/min not above max/) },
      { path: "all.4.value", message: "give at least one value" },
      { path: "all.5.value", message: "must be a string, a number, a boolean or null" },
      { path: "all.6.value", message: "must be true or false" },
      { path: "all.7.geofence.shape.polygon", message: "a polygon has at least 3 points" },
      { path: "all.8.geofence.shape.circle.lat", message: "a latitude is within -90..90" },
      { path: "all.8.geofence.when", message: "must be one of inside, outside, enter, exit" },
      { path: "all.9", message: 'Unrecognized key: "extra"' },
      { path: "all.10", message: expect.stringMatching(/^a condition is one of/) },
      { path: "all.11", message: "a condition has one kind, not all and any: wrap them in { all: [...] }" },
      { path: "all.12.any", message: "give at least one condition" },
      { path: "all.13.value", message: expect.stringMatching(/ISO date/) }, // a date-time needs its offset
    ]);
    expect(issues({ field: "a.b.c.d.e.f.g.h.i", op: "exists", value: true })[0]?.path).toBe("field");
    expect(issues({ field: T, op: "between", value: [1, "2025-01-01"] })[0]?.path).toBe("value");
    expect(issues({ geofence: { field: "p", shape: { square: 1 }, when: "inside" } })).toEqual([
      { path: "geofence.shape", message: "must be { circle: { lat, lon, radiusM } } or { polygon: [[lat, lon], ...] }" },
    ]);
    expect(issues("temperature > 30")).toEqual([{ path: "", message: expect.stringMatching(/^a condition is one of/) }]);
  });

  it(`refuses documents deeper than ${MAX_CONDITION_DEPTH} levels, twin filters included, at the too-deep node`, () => {
    let deep: unknown = cmp(T, "gt", 1);
    for (let i = 1; i < MAX_CONDITION_DEPTH; i++) deep = { not: deep };
    expect(issues(deep)).toEqual([]);
    expect(issues({ all: [deep] })).toEqual([
      { path: `all.0.${Array(7).fill("not").join(".")}`, message: expect.stringMatching(/nest 8 levels at most/) },
    ]);
    const twinDeep = { all: [{ any: [{ not: { all: [{ twin: { and: [{ or: [{ not: { model: "A" } }] }] } }] } }] }] };
    expect(issues(twinDeep)).toEqual([
      { path: "all.0.any.0.not.all.0.twin.and.0.or.0.not", message: expect.stringMatching(/this one is level 9/) },
    ]);
    // far deeper documents are refused the same way, without walking them all
    let abyss: unknown = cmp(T, "gt", 1);
    for (let i = 0; i < 5_000; i++) abyss = { not: abyss };
    expect(issues(abyss)).toHaveLength(1);
  });

  it(`refuses documents of more than ${MAX_CONDITION_NODES} nodes`, () => {
    const leaves = (n: number) => Array.from({ length: n }, (_, i) => cmp(T, "gt", i));
    expect(issues({ any: leaves(MAX_CONDITION_NODES - 1) })).toEqual([]);
    expect(issues({ any: leaves(MAX_CONDITION_NODES) })).toEqual([
      { path: "", message: "a condition has 50 nodes at most (this one has 51): split the rule" },
    ]);
    const twin = { twin: { or: Array.from({ length: 48 }, (_, i) => ({ model: `M${i}` })) } };
    expect(issues({ all: [twin, cmp(T, "gt", 1)] })[0]?.message).toMatch(/this one has 52/);
    const huge = { any: Array.from({ length: 40 }, () => ({ any: leaves(40) })) };
    expect(issues(huge)[0]?.message).toMatch(/this one has more than 200/);
  });

  it("gives back the document as written, with the twin filter's defaults", () => {
    const doc = { any: [{ twin: { metadata: { field: "x", op: "exists" } } }, cmp(T, "gt", 1)] };
    expect(parse(doc)).toEqual({ any: [{ twin: { metadata: { field: "x", op: "exists", value: true } } }, cmp(T, "gt", 1)] });
    expect(issues({ ...cmp(T, "gt", 1), kind: "field" })).toEqual([{ path: "", message: 'Unrecognized key: "kind"' }]);
  });
});

describe("explainCondition", () => {
  const words = (doc: unknown) => explainCondition(parse(doc) as TCondition);

  it("says each condition in words", () => {
    expect(words(cmp(T, "gt", 30))).toBe("measure.values.temperature is greater than 30");
    expect(words(cmp(T, "gte", 30))).toBe("measure.values.temperature is at least 30");
    expect(words(cmp(T, "lt", 0))).toBe("measure.values.temperature is less than 0");
    expect(words(cmp(T, "lte", 0))).toBe("measure.values.temperature is at most 0");
    expect(words(cmp(T, "between", [2, 8]))).toBe("measure.values.temperature is between 2 and 8");
    expect(words(cmp("measure.measuredAt", "gt", "2025-01-01"))).toBe("measure.measuredAt is after 2025-01-01");
    expect(words(cmp("measure.measuredAt", "lte", "2025-01-01"))).toBe("measure.measuredAt is at or before 2025-01-01");
    expect(words(cmp("measure.values.status", "eq", "ok"))).toBe('measure.values.status is "ok"');
    expect(words(cmp("measure.values.status", "ne", "ok"))).toBe('measure.values.status is not "ok"');
    expect(words(cmp("measure.values.code", "in", [1, "x"]))).toBe('measure.values.code is one of 1, "x"');
    expect(words(cmp("measure.values.code", "nin", [1, 2]))).toBe("measure.values.code is none of 1, 2");
    expect(words(cmp("measure.values.door", "exists", true))).toBe("measure.values.door is present");
    expect(words(cmp("measure.values.door", "exists", false))).toBe("measure.values.door is absent");
    expect(words(cmp("measure.slot", "eq", null))).toBe("measure.slot is absent");
  });

  it("says combinations, geofences and twin filters", () => {
    expect(words({ all: [cmp(T, "gt", 30), { not: { any: [cmp(T, "eq", 31), cmp(T, "eq", 32)] } }] })).toBe(
      "all of: (measure.values.temperature is greater than 30; not (any of: (measure.values.temperature is 31; measure.values.temperature is 32)))",
    );
    expect(
      words({
        geofence: { field: "measure.values.position", shape: { circle: { lat: 45.76, lon: 4.84, radiusM: 200 } }, when: "exit" },
      }),
    ).toBe("measure.values.position leaves the circle of 200 m around 45.76, 4.84");
    expect(words({ geofence: { field: "measure.values.position", shape: { polygon: PARK.slice(0, 3) }, when: "enter" } })).toBe(
      "measure.values.position enters the polygon (45.7835, 4.8455; 45.7835, 4.8605; 45.7705, 4.8605)",
    );
    expect(words({ geofence: { field: "p", shape: { circle: { lat: 1, lon: 2, radiusM: 5 } }, when: "inside" } })).toBe(
      "p is inside the circle of 5 m around 1, 2",
    );
    expect(
      words({
        twin: {
          and: [
            { model: ["Room", "Hall"] },
            { reference: { prefix: "r-" } },
            { not: { metadata: { field: "floor", op: "gt", value: 2 } } },
            { metadata: { field: "owner", op: "contains", value: "acme" } },
          ],
        },
      }),
    ).toBe(
      'all of: (twin.model is one of "Room", "Hall"; twin.reference starts with "r-"; not (twin.metadata.floor is greater than 2); twin.metadata.owner contains "acme" (any case))',
    );
    expect(words({ twin: { model: "Warehouse" }, of: "asset" })).toBe('asset.model is "Warehouse"');
  });
});
