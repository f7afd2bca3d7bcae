import { type DashboardDoc, GRID_COLUMNS, type Place, SMALL_GRID_COLUMNS, type Widget } from "../types";

/** The grid being edited: the 12-column one, or the 4-column one of small screens. */
export type GridMode = "large" | "small";
export const columnsOf = (mode: GridMode) => (mode === "small" ? SMALL_GRID_COLUMNS : GRID_COLUMNS);

/** A place inside the grid and the bounds the server checks. */
export function clampPlace(p: Place, columns: number): Place {
  const w = Math.min(columns, Math.max(1, Math.round(p.w) || 1));
  const x = Math.min(columns - w, Math.max(0, Math.round(p.x) || 0));
  return { x, w, y: Math.min(1000, Math.max(0, Math.round(p.y) || 0)), h: Math.min(50, Math.max(1, Math.round(p.h) || 1)) };
}

/**
 * Each widget's place on the grid edited. On small screens a widget without its own place
 * is drawn full width under the ones before it, as the view stacks it.
 */
export function placesOf(widgets: Widget[], mode: GridMode): Map<string, Place> {
  const places = new Map<string, Place>();
  let bottom = 0;
  for (const w of widgets) {
    const place = mode === "large" ? w.layout : (w.smallLayout ?? { x: 0, y: bottom, w: SMALL_GRID_COLUMNS, h: w.layout.h });
    places.set(w.id, place);
    bottom = Math.max(bottom, place.y + place.h);
  }
  return places;
}

/**
 * The document with widgets moved. On small screens every widget keeps the place it is
 * drawn at, so that a stacked widget stays where it was seen rather than being flowed
 * around the ones placed by hand.
 */
export function withPlaces(doc: DashboardDoc, mode: GridMode, moved: Map<string, Place>): DashboardDoc {
  const drawn = placesOf(doc.widgets, mode);
  return {
    ...doc,
    widgets: doc.widgets.map((w) => {
      const place = moved.get(w.id) ?? drawn.get(w.id) ?? w.layout;
      return mode === "large" ? { ...w, layout: place } : { ...w, smallLayout: place };
    }),
  };
}

/** The document with every widget stacked again on small screens. */
export const withoutSmallPlaces = (doc: DashboardDoc): DashboardDoc => ({
  ...doc,
  widgets: doc.widgets.map(({ smallLayout: _, ...w }) => w),
});

export const samePlace = (a: Place | undefined, b: Place | undefined) =>
  a?.x === b?.x && a?.y === b?.y && a?.w === b?.w && a?.h === b?.h;
