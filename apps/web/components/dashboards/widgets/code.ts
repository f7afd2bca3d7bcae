// The code of the widgets that draw with a large library (recharts for charts, Leaflet for
// maps), loaded apart from the dashboard's own: a dashboard without charts or maps loads
// neither, and one with them starts loading it as soon as it knows (preloadWidgetCode).

export const loadChartCanvas = () => import("./chart-canvas");
export const loadMapCanvas = () => import("./map-canvas");
