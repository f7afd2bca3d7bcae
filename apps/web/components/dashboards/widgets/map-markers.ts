import type { LivePoint } from "../live-hub";
import { type MapColumns, type Threshold, thresholdColor } from "../types";

// What the map draws, apart from Leaflet: the markers made from the server's columns and
// the live measures since, their colours, and the part of the world a view shows.

export interface MapSettings {
  of?: "assets" | "devices" | "both";
  model?: string;
  position?: { measure: string; field: string };
  colorBy?: { kind: "alerts" } | { kind: "measure"; measure: string; field: string; thresholds?: Threshold[] };
  tileUrl?: string;
  cluster?: boolean;
}

export interface MapMarker {
  id: string;
  kind: "asset" | "device";
  reference: string;
  lat: number;
  lon: number;
  color: string;
  /** 0 none, 1 info, 2 warning, 3 critical: clusters take their worst. */
  severity: number;
}

/** Newer positions and colour values of twins, from live measures, by twin id. */
export type LiveOverlay = Record<string, { lat?: number; lon?: number; value?: number }>;

export const SEVERITY_COLORS = ["#2563eb", "#0891b2", "#d97706", "#dc2626"];
const NO_VALUE = "#9ca3af";
export const DEFAULT_POSITION = { measure: "position", field: "position" };

export function markersOf(columns: MapColumns | undefined, settings: MapSettings, overlay: LiveOverlay): MapMarker[] {
  if (!columns) return [];
  const colorBy = settings.colorBy ?? { kind: "alerts" };
  const markers: MapMarker[] = new Array(columns.ids.length);
  for (let i = 0; i < columns.ids.length; i++) {
    const id = columns.ids[i] as string;
    const live = overlay[id];
    const severity = columns.severities[i] ?? 0;
    const value = live?.value ?? columns.values[i] ?? null;
    const color =
      colorBy.kind === "alerts"
        ? (SEVERITY_COLORS[severity] ?? NO_VALUE)
        : value === null
          ? NO_VALUE
          : (thresholdColor(value, colorBy.thresholds) ?? SEVERITY_COLORS[0] ?? NO_VALUE);
    markers[i] = {
      id,
      kind: columns.kinds[i] ?? "asset",
      reference: columns.references[i] ?? "",
      lat: live?.lat ?? (columns.lat[i] as number),
      lon: live?.lon ?? (columns.lon[i] as number),
      color,
      severity,
    };
  }
  return markers;
}

/** Folds a batch of live points into the overlay; the same overlay when nothing on the map changed. */
export function foldLive(
  overlay: LiveOverlay,
  points: LivePoint[],
  settings: MapSettings,
  shown: ReadonlySet<string>,
): LiveOverlay {
  const position = settings.position ?? DEFAULT_POSITION;
  const colorBy = settings.colorBy?.kind === "measure" ? settings.colorBy : null;
  let next: LiveOverlay | null = null;
  for (const p of points) {
    if (!shown.has(p.twinId)) continue;
    const change: { lat?: number; lon?: number; value?: number } = {};
    if (p.key === position.measure) {
      const at = p.values[position.field] as { lat?: unknown; lon?: unknown } | undefined;
      if (typeof at?.lat === "number" && typeof at.lon === "number") Object.assign(change, { lat: at.lat, lon: at.lon });
    }
    if (colorBy && p.key === colorBy.measure && typeof p.values[colorBy.field] === "number")
      change.value = p.values[colorBy.field] as number;
    if (!Object.keys(change).length) continue;
    next ??= { ...overlay };
    next[p.twinId] = { ...next[p.twinId], ...change };
  }
  return next ?? overlay;
}

/** The west, south, east, north of a view, folded into one world for the cluster index. */
export function worldBox(west: number, south: number, east: number, north: number): [number, number, number, number] {
  if (east - west >= 360) return [-180, Math.max(-90, south), 180, Math.min(90, north)];
  const wrap = (lon: number) => ((((lon + 180) % 360) + 360) % 360) - 180;
  return [wrap(west), Math.max(-90, south), wrap(east), Math.min(90, north)];
}
