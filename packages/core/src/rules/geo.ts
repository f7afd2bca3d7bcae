// Geometry for geofences: great-circle distance for circles, ray casting for polygons.

export interface TGeoPoint {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Haversine distance in metres. */
export function distanceM(a: TGeoPoint, b: TGeoPoint): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Whether a point is inside a polygon given as [lat, lon] vertices (closed implicitly).
 * Ray casting with lat/lon taken as planar coordinates: exact enough for polygons of a
 * few kilometres (sites, depots, towns), wrong for polygons crossing the antimeridian or
 * containing a pole. A point exactly on an edge may fall either side.
 */
export function insidePolygon(point: TGeoPoint, polygon: readonly (readonly [number, number])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [yi, xi] = polygon[i] as readonly [number, number];
    const [yj, xj] = polygon[j] as readonly [number, number];
    if (yi > point.lat !== yj > point.lat && point.lon < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A { lat, lon } value with finite coordinates in range, else null. */
export function asGeoPoint(value: unknown): TGeoPoint | null {
  if (typeof value !== "object" || value === null) return null;
  const { lat, lon } = value as { lat?: unknown; lon?: unknown };
  if (typeof lat !== "number" || typeof lon !== "number" || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}
