// The code of the widgets that draw with a large library (recharts for charts, Leaflet for
// maps), loaded apart from the dashboard's own. A dashboard asks for the libraries its
// widgets need as soon as it knows them, so they load while the page hydrates rather than
// after its widgets first render; a dashboard without charts or maps loads neither.

export const loadChartCanvas = () => import("./chart-canvas");
export const loadMapCanvas = () => import("./map-canvas");

const LOADERS: Record<string, () => Promise<unknown>> = { chart: loadChartCanvas, map: loadMapCanvas };

/** Starts loading the drawing code of these widget types (each loads once). */
export function preloadWidgetCode(types: Iterable<string>): void {
  if (typeof window === "undefined") return;
  for (const type of new Set(types)) void LOADERS[type]?.();
}
