"use client";
import "leaflet/dist/leaflet.css";
import L from "leaflet";
import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { CircleMarker, MapContainer, Marker, Popup, ScaleControl, TileLayer, useMap, useMapEvents } from "react-leaflet";
import Supercluster from "supercluster";
import { type MapMarker, SEVERITY_COLORS, worldBox } from "./map-markers";

// The map itself (client only: Leaflet needs the DOM). Markers are drawn on one canvas
// and, when clustering, only the clusters and points of the current view are layers at
// all: supercluster indexes 10,000 points in a few milliseconds and answers a view in
// well under one, so panning costs Leaflet's canvas redraw and a few hundred layers.

type Props = {
  markers: MapMarker[];
  tileUrl?: string | undefined;
  cluster: boolean;
  popup: (marker: MapMarker) => ReactNode;
};

export default function MapCanvas({ markers, tileUrl, cluster, popup }: Props) {
  return (
    <MapContainer
      preferCanvas
      center={[20, 0]}
      zoom={2}
      minZoom={1}
      worldCopyJump
      // cluster icons are page elements: their zoom transitions ran React's page-wide event
      // handler for each, hundreds of milliseconds a zoom step
      markerZoomAnimation={false}
      className="h-full w-full rounded bg-sky-50 dark:bg-zinc-800"
      attributionControl={Boolean(tileUrl)}
    >
      {tileUrl ? <TileLayer url={tileUrl} /> : null}
      {/* without tiles, the scale is what tells a street from a country */}
      <ScaleControl position="bottomleft" imperial={false} />
      <Markers markers={markers} cluster={cluster} popup={popup} />
    </MapContainer>
  );
}

type View = { box: [number, number, number, number]; zoom: number };
const viewOf = (map: L.Map): View => {
  const b = map.getBounds();
  return { box: worldBox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth()), zoom: Math.round(map.getZoom()) };
};

type ClusterProps = { severity: number };

// one style object a colour: a new object each render would restyle every marker
const styles = new Map<string, L.PathOptions>();
function pointStyle(color: string): L.PathOptions {
  let style = styles.get(color);
  if (!style) {
    style = { color: "#ffffff", weight: 1.5, fillColor: color, fillOpacity: 0.9 };
    styles.set(color, style);
  }
  return style;
}
const icons = new Map<string, L.DivIcon>();
function clusterIcon(count: number, severity: number): L.DivIcon {
  const size = Math.round(26 + Math.min(4, Math.log10(count)) * 7);
  const key = `${count}:${severity}:${size}`;
  let icon = icons.get(key);
  if (!icon) {
    icon = L.divIcon({
      className: "",
      iconSize: [size, size],
      html: `<div class="map-cluster" style="width:${size}px;height:${size}px;background:${SEVERITY_COLORS[severity]}">${count >= 1000 ? `${Math.round(count / 100) / 10}k` : count}</div>`,
    });
    icons.set(key, icon);
  }
  return icon;
}

function Markers({ markers, cluster, popup }: Props) {
  const map = useMap();
  const [view, setView] = useState<View>(() => viewOf(map));
  const [open, setOpen] = useState<MapMarker | null>(null);
  useMapEvents({ moveend: () => setView(viewOf(map)), popupclose: () => setOpen(null) });

  // the widget's box changes size with the grid (and in the editor): Leaflet must be told
  useEffect(() => {
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(map.getContainer());
    return () => observer.disconnect();
  }, [map]);

  // frame the markers once, when they first come
  const framed = useRef(false);
  useEffect(() => {
    if (framed.current || !markers.length) return;
    framed.current = true;
    const bounds = L.latLngBounds(markers.map((m) => [m.lat, m.lon] as [number, number]));
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14, animate: false });
    setView(viewOf(map));
  }, [map, markers]);

  const index = useMemo(() => {
    if (!cluster) return null;
    const index = new Supercluster<ClusterProps & { i: number }, ClusterProps>({
      radius: 80,
      maxZoom: 16,
      map: (p) => ({ severity: p.severity }),
      reduce: (into, p) => {
        into.severity = Math.max(into.severity, p.severity);
      },
    });
    index.load(
      markers.map((m, i) => ({
        type: "Feature" as const,
        properties: { i, severity: m.severity },
        geometry: { type: "Point" as const, coordinates: [m.lon, m.lat] },
      })),
    );
    return index;
  }, [markers, cluster]);

  const shown = useMemo(
    () =>
      index
        ? index.getClusters(view.box, view.zoom)
        : markers.map((m, i) => ({ properties: { i }, geometry: { coordinates: [m.lon, m.lat] } })),
    [index, markers, view],
  );
  // the layers change with the view or the markers only (not when a popup opens)
  const layers = useMemo(
    () =>
      shown.map((f) => {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        const props = f.properties as {
          cluster?: boolean;
          cluster_id?: number;
          point_count?: number;
          i?: number;
          severity: number;
        };
        if (props.cluster && index) {
          const id = props.cluster_id as number;
          return (
            <Marker
              key={`c${id}`}
              position={[lat, lon]}
              icon={clusterIcon(props.point_count ?? 0, props.severity)}
              eventHandlers={{ click: () => map.setView([lat, lon], Math.min(index.getClusterExpansionZoom(id), 18)) }}
            />
          );
        }
        const m = markers[props.i as number] as MapMarker;
        return (
          <CircleMarker
            key={m.id}
            center={[m.lat, m.lon]}
            radius={7}
            pathOptions={pointStyle(m.color)}
            eventHandlers={{ click: () => setOpen(m) }}
          />
        );
      }),
    [shown, index, markers, map],
  );
  useEffect(() => {
    // what is on screen now, for tests and the dashboard benchmark
    map.getContainer().dataset.drawn = String(shown.length);
  });

  return (
    <>
      {layers}
      {open ? (
        <Popup key={open.id} position={[open.lat, open.lon]}>
          {popup(open)}
        </Popup>
      ) : null}
    </>
  );
}
