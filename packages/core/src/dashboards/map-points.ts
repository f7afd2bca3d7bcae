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

interface Row {
  id: string;
  kind: "asset" | "device";
  reference: string;
  lat: number;
  lon: number;
  value: number | null;
  severity: number;
}

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
  // positions and values are read only when they are JSON numbers: a malformed one is no marker, not an error
  const numberAt = (measureName: string, valueField: string, sub?: string) => {
    const at = Prisma.sql`measures -> ${measureName}::text -> 'values' -> ${valueField}::text`;
    const node = sub ? Prisma.sql`${at} -> ${sub}::text` : at;
    return Prisma.sql`CASE WHEN jsonb_typeof(${node}) = 'number' THEN (${node})::text::float8 END`;
  };
  const columns = (kind: "asset" | "device") => Prisma.sql`
    id, ${kind}::text AS kind, reference,
    ${numberAt(measure, field, "lat")} AS lat, ${numberAt(measure, field, "lon")} AS lon,
    ${colour ? numberAt(colour.measure, colour.field) : Prisma.sql`NULL::float8`} AS value`;
  const byModel = input.model ? Prisma.sql`WHERE model = ${input.model}` : Prisma.empty;
  const parts = [
    ...(wantAssets ? [Prisma.sql`SELECT ${columns("asset")} FROM assets ${byModel}`] : []),
    ...(wantDevices ? [Prisma.sql`SELECT ${columns("device")} FROM devices ${byModel}`] : []),
  ];
  const rows = await db.$queryRaw<Row[]>`
    WITH twins AS (${Prisma.join(parts, " UNION ALL ")}),
    worst AS (
      SELECT twin_id, max(CASE severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)::int AS severity
      FROM alerts WHERE status = 'active' GROUP BY twin_id
    )
    SELECT t.id, t.kind, t.reference, t.lat, t.lon, t.value, coalesce(w.severity, 0)::int AS severity
    FROM twins t LEFT JOIN worst w ON w.twin_id = t.id
    WHERE t.lat BETWEEN -90 AND 90 AND t.lon BETWEEN -180 AND 180
    ORDER BY t.reference, t.id
    LIMIT ${MAP_POINTS_MAX + 1}`;

  const kept = rows.slice(0, MAP_POINTS_MAX);
  return {
    ids: kept.map((r) => r.id),
    kinds: kept.map((r) => r.kind),
    references: kept.map((r) => r.reference),
    lat: kept.map((r) => r.lat),
    lon: kept.map((r) => r.lon),
    values: kept.map((r) => r.value),
    severities: kept.map((r) => r.severity as TMapSeverity),
    truncated: rows.length > MAP_POINTS_MAX,
  };
}
