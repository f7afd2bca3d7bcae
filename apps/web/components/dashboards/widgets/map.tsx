"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { Link } from "@/components/ui/link";
import { useMemo, useState } from "react";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { ANY_TWIN, useLiveListener } from "../live";
import { loadMapCanvas } from "./code";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { mapQuery } from "./queries";
import { foldLive, type LiveOverlay, type MapMarker, type MapSettings, markersOf } from "./map-markers";

export type { MapSettings } from "./map-markers";

// Leaflet touches `window` when it loads: the map is drawn in the browser only
const MapCanvas = dynamic(loadMapCanvas, {
  ssr: false,
  loading: () => <Muted>Loading the map…</Muted>,
});

/** Twins at their last positions, clustered, coloured by alert or by a measure; live positions move them. */
export function MapWidget({ settings, ctx }: { settings: MapSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const points = useQuery({
    ...mapQuery(trpc, settings),
    // live positions come from the stream; a refetch brings new twins and alert colours
    refetchInterval: ctx.live ? 30_000 : ctx.every,
  });
  const [overlay, setOverlay] = useState<LiveOverlay>({});
  const shown = useMemo(() => new Set(points.data?.ids ?? []), [points.data]);
  useLiveListener(ANY_TWIN, (batch) => setOverlay((held) => foldLive(held, batch, settings, shown)));
  const markers = useMemo(() => markersOf(points.data, settings, overlay), [points.data, settings, overlay]);

  if (points.error) return <Muted>{errorMessage(points.error)}</Muted>;
  return (
    <div className="relative h-full min-h-40" data-testid="widget-map" data-points={points.data ? markers.length : undefined}>
      {points.data && !markers.length ? (
        <Muted>No positions.</Muted>
      ) : (
        <MapCanvas
          markers={markers}
          tileUrl={settings.tileUrl}
          cluster={settings.cluster !== false}
          popup={(m) => <MarkerPopup marker={m} />}
        />
      )}
      {points.data?.truncated ? (
        <span className="absolute right-2 bottom-2 z-[1000] rounded bg-white/90 px-1 text-xs">first {markers.length} twins</span>
      ) : null}
    </div>
  );
}

/** A measure's value in a popup: a position as "lat, lon", other objects as JSON. */
function popupValue(v: unknown): string {
  if (v && typeof v === "object") {
    const { lat, lon } = v as { lat?: unknown; lon?: unknown };
    return typeof lat === "number" && typeof lon === "number" ? `${lat}, ${lon}` : JSON.stringify(v);
  }
  return String(v);
}

/** A marker's twin and its last measures, fetched when it is opened. */
function MarkerPopup({ marker }: { marker: MapMarker }) {
  const trpc = useTRPC();
  const asset = useQuery(trpc.assets.get.queryOptions(marker.kind === "asset" ? { id: marker.id } : skipToken));
  const device = useQuery(trpc.devices.get.queryOptions(marker.kind === "device" ? { id: marker.id } : skipToken));
  const twin = marker.kind === "asset" ? asset.data : device.data;
  const measures = Object.entries((twin?.measures ?? {}) as Record<string, { values?: Record<string, unknown> }>);
  return (
    <div className="min-w-40 text-xs" data-testid="map-popup">
      <Link href={`/${marker.kind}s/${marker.id}`} className="font-medium">
        {marker.reference}
      </Link>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2">
        {measures.map(([name, m]) => (
          <div key={name} className="contents">
            <dt className="text-zinc-500">{name}</dt>
            <dd className="font-mono">
              {Object.values(m.values ?? {})
                .map(popupValue)
                .join(", ")}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export const mapWidget: WidgetDefinition<MapSettings> = {
  type: "map",
  size: { w: 6, h: 4 },
  start: () => ({ of: "assets" }),
  View: MapWidget,
  load: loadMapCanvas,
};
