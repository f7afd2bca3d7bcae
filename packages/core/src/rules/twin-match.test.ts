import { Prisma, withPlatform } from "@iot/db";
import { describe, expect, it } from "vitest";
import { compileTwinFilter, type TTwinFilter, ZTwinFilterSchema } from "../twins/filter";
import { jsonbText, matchesTwinFilter, type TMatchableTwin } from "./twin-match";

// The in-memory evaluator against compileTwinFilter's own SQL, run by Postgres over the
// same twins: the two must select the same references for every filter.

const NOW = new Date("2025-06-01T12:00:00Z");
const TWINS: (TMatchableTwin & { reference: string })[] = [
  { model: "Room", reference: "lobby", metadata: {} },
  { model: "Room", reference: "s-1", metadata: { floor: 1, building: "North" }, lastSeenAt: new Date("2025-06-01T11:59:00Z") },
  { model: "Meter", reference: "s-2", metadata: { circuit: "c2" } },
  { model: "Room", reference: "s-3", metadata: { floor: 3, building: "North" } },
  { model: "Meter", reference: "s-4", metadata: { circuit: "c4" }, lastSeenAt: new Date("2025-05-01T00:00:00Z") },
  { model: "Room", reference: "s-5", metadata: { floor: 5, building: "South" }, lastSeenAt: new Date("2025-06-01T11:00:00Z") },
  { model: "Meter", reference: "s-6", metadata: { circuit: "c6" } },
  // edge cases: numeric text, booleans, nested values, null, astral characters, case
  { model: "Room", reference: "P-odd", metadata: { floor: "2", flag: true, tags: ["a", "b"], geo: { z: 1, ab: 2 }, gone: null } },
  { model: "Tracker", reference: "p-ünïcode", metadata: { label: "Zürich 😀", big: 1e21, tiny: 1e-7, name: "\uffff" } },
  { model: "Tracker", reference: "p-astral", metadata: { name: "😀", label: "BIG Box" } },
];

const FILTERS: TTwinFilter[] = [
  { model: "Meter" },
  { model: ["Room", "Tracker"] },
  { metadata: { field: "floor", op: "gt", value: 2 } },
  { and: [{ model: "Room" }, { not: { metadata: { field: "building", op: "eq", value: "North" } } }] },
  { or: [{ metadata: { field: "circuit", op: "in", value: ["c2", "c6"] } }, { reference: { eq: "s-3" } }] },
  { text: "south" },
  { text: '"z": 1, "ab"' }, // jsonb text: shorter keys first, ", " and ": "
  { text: "1000000000000000000000" },
  { text: "0.0000001" },
  { text: "ZÜRICH" },
  { metadata: { field: "circuit", op: "exists", value: true } },
  { metadata: { field: "circuit", op: "exists", value: false } },
  { metadata: { field: "gone", op: "exists", value: true } },
  { metadata: { field: "floor", op: "eq", value: 2 } },
  { metadata: { field: "floor", op: "eq", value: "2" } },
  { metadata: { field: "floor", op: "ne", value: 3 } },
  { metadata: { field: "floor", op: "eq", value: null } },
  { metadata: { field: "floor", op: "ne", value: null } },
  { metadata: { field: "flag", op: "eq", value: true } },
  { metadata: { field: "tags", op: "eq", value: "a" } },
  { metadata: { field: "floor", op: "lte", value: 3 } },
  { metadata: { field: "floor", op: "gte", value: "2" } },
  { metadata: { field: "building", op: "lt", value: "O" } },
  { metadata: { field: "name", op: "gt", value: "\uffff" } }, // code point order: 😀 after U+FFFF
  { metadata: { field: "floor", op: "contains", value: "1" } },
  { metadata: { field: "tags", op: "contains", value: '"b"' } },
  { metadata: { field: "flag", op: "contains", value: "TRU" } },
  { metadata: { field: "label", op: "contains", value: "box" } },
  { reference: { prefix: "p-" } },
  { reference: { prefix: "s_" } },
  { reference: { contains: "P-" } },
  { reference: { contains: "%" } },
  { not: { metadata: { field: "floor", op: "gt", value: 2 } } },
  { not: { or: [{ model: "Room" }, { not: { metadata: { field: "label", op: "contains", value: "z" } } }] } },
  { and: [{ not: { not: { metadata: { field: "floor", op: "lt", value: 4 } } } }, { model: "Room" }] },
  { lastSeen: { never: true } },
  { lastSeen: { withinSeconds: 600 } },
  { not: { lastSeen: { withinSeconds: 600 } } },
  { lastSeen: { after: new Date("2025-05-15T00:00:00Z"), before: new Date("2025-06-01T11:30:00Z") } },
  { lastSeen: {} },
];

async function sqlRefs(filter: TTwinFilter): Promise<string[]> {
  const rows = TWINS.map(
    (t) =>
      Prisma.sql`(${t.model}::text, ${t.reference}::text, ${JSON.stringify(t.metadata)}::jsonb, ${t.lastSeenAt ?? null}::timestamptz)`,
  );
  const result = await withPlatform(
    (db) =>
      db.$queryRaw<{ reference: string }[]>`
      WITH t(model, reference, metadata, last_seen_at) AS (VALUES ${Prisma.join(rows)})
      SELECT reference FROM t WHERE ${compileTwinFilter(filter, NOW)}`,
  );
  return result.map((r) => r.reference).sort();
}

const memoryRefs = (filter: TTwinFilter) =>
  TWINS.filter((t) => matchesTwinFilter(filter, t, NOW))
    .map((t) => t.reference)
    .sort();

describe("matchesTwinFilter", () => {
  it("selects what compileTwinFilter's SQL selects, filter by filter", async () => {
    for (const filter of FILTERS) {
      const parsed = ZTwinFilterSchema.parse(filter);
      expect({ filter, refs: memoryRefs(parsed) }).toEqual({ filter, refs: await sqlRefs(parsed) });
    }
  });

  it("gives the documented answers of twin search", () => {
    expect(memoryRefs({ model: "Meter" })).toEqual(["s-2", "s-4", "s-6"]);
    expect(memoryRefs({ metadata: { field: "floor", op: "gt", value: 2 } })).toEqual(["s-3", "s-5"]);
    expect(memoryRefs({ text: "south" })).toEqual(["s-5"]);
    // a number never equals its text, and text never compares with numbers
    expect(memoryRefs({ metadata: { field: "floor", op: "eq", value: 2 } })).toEqual([]);
    expect(memoryRefs({ metadata: { field: "floor", op: "gte", value: "2" } })).toEqual(["P-odd"]);
    // the edge cases above do select something (in SQL too, by the test before)
    expect(memoryRefs({ text: '"z": 1, "ab"' })).toEqual(["P-odd"]);
    expect(memoryRefs({ text: "1000000000000000000000" })).toEqual(["p-ünïcode"]);
    expect(memoryRefs({ metadata: { field: "name", op: "gt", value: "\uffff" } })).toEqual(["p-astral"]);
    expect(memoryRefs({ metadata: { field: "tags", op: "contains", value: '"b"' } })).toEqual(["P-odd"]);
    expect(memoryRefs({ metadata: { field: "floor", op: "ne", value: 3 } })).toHaveLength(9);
    expect(memoryRefs({ lastSeen: { withinSeconds: 600 } })).toEqual(["s-1"]);
  });

  it("treats a twin without model, reference or metadata as matching nothing but negations", () => {
    expect(matchesTwinFilter({ model: "Room" }, {})).toBe(false);
    expect(matchesTwinFilter({ reference: { prefix: "" } }, {})).toBe(false);
    expect(matchesTwinFilter({ metadata: { field: "x", op: "exists", value: false } }, {})).toBe(true);
    expect(matchesTwinFilter({ not: { model: "Room" } }, { metadata: "junk" })).toBe(true);
  });

  it("prints jsonb text as Postgres does", () => {
    expect(jsonbText({ bb: [1, "x"], a: null, c: { d: true } })).toBe('{"a": null, "c": {"d": true}, "bb": [1, "x"]}');
    expect(jsonbText(-1e21)).toBe("-1000000000000000000000");
    expect(jsonbText(1.5e-7)).toBe("0.00000015");
  });
});
