"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, createElement, type ReactNode, useContext, useEffect, useState } from "react";
import { useTenant } from "@/lib/tenant";
import { useTRPC } from "@/lib/trpc";
import { LiveHub, type Listener, type LivePoint, twinKey } from "./live-hub";
import type { TwinRef } from "./types";

export { ANY_TWIN, type LivePoint } from "./live-hub";

// A dashboard in live mode follows its tenant's measures through ONE subscription and
// hands each widget the measures of the twins it shows. A stream per widget would not do:
// a browser keeps at most six connections to a host, so six live widgets would starve the
// page's own queries. Measures come in batches (at most four a second from the server);
// each batch is one state update per interested widget, so 100 measures/s costs a few
// renders a second.

const HubContext = createContext<LiveHub | null>(null);

/** The dashboard's one subscription to its tenant's live measures, while `enabled`. */
export function LiveMeasuresProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const [hub] = useState(() => new LiveHub());
  useSubscription(
    trpc.measures.subscribe.subscriptionOptions(enabled && tenantId ? { tenantId } : skipToken, {
      onData: (batch) => hub.publish(batch.measures),
    }),
  );
  return createElement(HubContext.Provider, { value: enabled ? hub : null }, children);
}

/** Calls `listener` with each batch of live points of the twin (or of all twins: ANY_TWIN) while the dashboard is live. */
export function useLiveListener(key: string | undefined, listener: Listener) {
  const hub = useContext(HubContext);
  const [latest] = useState(() => ({ current: listener }));
  latest.current = listener;
  useEffect(() => (hub && key ? hub.on(key, (points) => latest.current(points)) : undefined), [hub, key, latest]);
}

/** The measures the twin receives while the dashboard is open and live, newest last. */
export function useLivePoints(kind: "asset" | "device" | undefined, id: string | undefined): LivePoint[] {
  const key = kind && id ? twinKey(kind, id) : undefined;
  const [held, setHeld] = useState<{ key?: string; points: LivePoint[] }>({ points: [] });
  useLiveListener(key, (batch) => setHeld((h) => ({ key, points: [...(h.key === key ? h.points : []), ...batch].slice(-1000) })));
  return held.key === key ? held.points : [];
}

/** A twin's id from its model and reference (assets.get / devices.get). */
export function useTwinId(twin: TwinRef | null): string | undefined {
  const trpc = useTRPC();
  const ref = twin ? { model: twin.model, reference: twin.reference } : null;
  const asset = useQuery(trpc.assets.get.queryOptions(twin?.kind === "asset" && ref ? ref : skipToken));
  const device = useQuery(trpc.devices.get.queryOptions(twin?.kind === "device" && ref ? ref : skipToken));
  return twin?.kind === "asset" ? asset.data?.id : device.data?.id;
}
