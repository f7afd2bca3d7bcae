"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { Muted, type WidgetContext } from "./common";

export interface MapSettings {
  of?: "assets" | "devices" | "both";
  model?: string;
  position?: { measure: string; field: string };
}

/** Markers as a list (no map tiles offline): each twin's last position. */
export function MapWidget({ settings, ctx }: { settings: MapSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const input = {
    ...(settings.model ? { filter: { model: settings.model } } : {}),
    sort: { field: "reference", order: "asc" } as const,
    limit: 200,
    withTotal: false,
  };
  const opts = { refetchInterval: ctx.live ? 10_000 : ctx.every };
  const assets = useQuery(trpc.assets.search.queryOptions(settings.of !== "devices" ? input : skipToken, opts));
  const devices = useQuery(trpc.devices.search.queryOptions(settings.of !== "assets" ? input : skipToken, opts));
  const position = settings.position ?? { measure: "position", field: "position" };
  const twins = [...(assets.data?.items ?? []), ...(devices.data?.items ?? [])] as {
    id: string;
    reference: string;
    measures: Record<string, unknown>;
  }[];
  const markers = twins.flatMap((t) => {
    const m = t.measures?.[position.measure] as { values?: Record<string, unknown> } | undefined;
    const p = m?.values?.[position.field] as { lat?: unknown; lon?: unknown } | undefined;
    return typeof p?.lat === "number" && typeof p?.lon === "number"
      ? [{ id: t.id, reference: t.reference, lat: p.lat, lon: p.lon }]
      : [];
  });
  if (!markers.length) return <Muted>No positions.</Muted>;
  return (
    <ul className="h-full space-y-1 overflow-auto text-sm" data-testid="map-markers">
      {markers.map((m) => (
        <li key={m.id} className="flex justify-between gap-2">
          <span>📍 {m.reference}</span>
          <span className="font-mono text-xs text-zinc-500">
            {m.lat.toFixed(5)}, {m.lon.toFixed(5)}
          </span>
        </li>
      ))}
    </ul>
  );
}
