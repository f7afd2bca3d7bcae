import { Prisma, type TenantDb } from "@iot/db";
import type { z } from "zod";
import type { TenantAccess } from "../auth/principal";
import { AppError } from "../errors";
import { WIDGET_TYPES } from "./widgets";

// The map widget's data: every twin of the tenant with a last position, in one query and
// one compact answer (columns, not objects), so a map of 10,000 assets loads in one round
// trip of a few hundred kilobytes. Colours come from the twin's worst active alert or from
// one of its last measures, which the console turns into a colour by thresholds.

/** More markers than this and the answer says it was cut. */
export const MAP_POINTS_MAX = 50_000;

const mapSettings = WIDGET_TYPES.map.settings;
export const ZMapPointsSchema = mapSettings.pick({ of: true, model: true, position: true, colorBy: true });
export type TMapPointsInput = z.input<typeof ZMapPointsSchema>;

/** Severity of the worst active alert: 0 none, 1 info, 2 warning, 3 critical. */
export type TMapSeverity = 0 | 1 | 2 | 3;

export interface TMapPoints {
  ids: string[];
  kinds: ("asset" | "device")[];
  references: string[];
  lat: number[];
  lon: number[];
  /** The measure colourBy names (null where the twin has none), or null for every point when colouring by alerts. */
  values: (number | null)[];
  severities: TMapSeverity[];
  truncated: boolean;
}

/** id, kind, reference, lat, lon, value, severity */
type Tuple = [string, "asset" | "device", string, number, number, number | null, TMapSeverity];

export async function mapPoints(db: TenantDb, access: TenantAccess, raw: TMapPointsInput): Promise<TMapPoints> {
  const input = ZMapPointsSchema.parse(raw);
  const wantAssets = input.of !== "devices";
  const wantDevices = input.of !== "assets";
  for (const [wanted, permission] of [
    [wantAssets, "assets:read"],
    [wantDevices, "devices:read"],
  ] as const)
    if (wanted && !access.permissions.has(permission)) throw AppError.forbidden(`a map of these twins needs ${permission}`);

  const { measure, field } = input.position;
  const colour = input.colorBy.kind === "measure" ? input.colorBy : null;
  // the position node is taken out once a twin; a value is read only where it is a JSON number
  const valueAt = colour
    ? Prisma.sql`CASE WHEN jsonb_typeof(measures -> ${colour.measure}::text -> 'values' -> ${colour.field}::text) = 'number'
        THEN (measures -> ${colour.measure}::text -> 'values' ->> ${colour.field}::text)::float8 END`
    : Prisma.sql`NULL::float8`;
  const columns = (kind: "asset" | "device") => Prisma.sql`
    id, ${kind}::text AS kind, reference, measures -> ${measure}::text -> 'values' -> ${field}::text AS p, ${valueAt} AS value`;
  const byModel = input.model ? Prisma.sql`WHERE model = ${input.model}` : Prisma.empty;
  const parts = [
    ...(wantAssets ? [Prisma.sql`SELECT ${columns("asset")} FROM assets ${byModel}`] : []),
    ...(wantDevices ? [Prisma.sql`SELECT ${columns("device")} FROM devices ${byModel}`] : []),
  ];
  // one JSON text of small tuples, sorted once: 10,000 rows decoded one by one by the
  // driver and encoded again cost more than the query itself. The CTEs are materialized so
  // each twin's position is taken out of its JSON once, not once per condition on it.
  const [answer] = await db.$queryRaw<{ body: string | null }[]>`
    WITH twins AS MATERIALIZED (${Prisma.join(parts, " UNION ALL ")}),
    positioned AS MATERIALIZED (
      SELECT id, kind, reference, (p ->> 'lat')::float8 AS lat, (p ->> 'lon')::float8 AS lon, value
      FROM twins WHERE jsonb_typeof(p -> 'lat') = 'number' AND jsonb_typeof(p -> 'lon') = 'number'
    ),
    worst AS (
      SELECT twin_id, max(CASE severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)::int AS severity
      FROM alerts WHERE status = 'active' GROUP BY twin_id
    ),
    kept AS (
      SELECT t.id, t.kind, t.reference, t.lat, t.lon, t.value, coalesce(w.severity, 0) AS severity
      FROM positioned t LEFT JOIN worst w ON w.twin_id = t.id
      WHERE t.lat BETWEEN -90 AND 90 AND t.lon BETWEEN -180 AND 180
      ORDER BY t.reference, t.id
      LIMIT ${MAP_POINTS_MAX + 1}
    )
    SELECT json_agg(json_build_array(id, kind, reference, lat, lon, value, severity) ORDER BY reference, id)::text AS body
    FROM kept`;
  const rows = JSON.parse(answer?.body ?? "[]") as Tuple[];
  const kept = rows.slice(0, MAP_POINTS_MAX);
  return {
    ids: kept.map((r) => r[0]),
    kinds: kept.map((r) => r[1]),
    references: kept.map((r) => r[2]),
    lat: kept.map((r) => r[3]),
    lon: kept.map((r) => r[4]),
    values: kept.map((r) => r[5]),
    severities: kept.map((r) => r[6]),
    truncated: rows.length > MAP_POINTS_MAX,
  };
}
