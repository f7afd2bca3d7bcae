"use client";
import { skipToken, useQueries } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, createElement, type ReactNode, useContext, useEffect, useMemo, useState } from "react";
import { useTenant } from "@/lib/tenant";
import { useTRPC } from "@/lib/trpc";
import { LiveHub, type Listener, type LivePoint, twinKey } from "./live-hub";
import { refKey, type TwinRef } from "./types";

export { ANY_TWIN, type LivePoint } from "./live-hub";

// A dashboard in live mode follows its tenant's measures through ONE subscription and
// hands each widget the measures of the twins it shows. A stream per widget would not do:
// a browser keeps at most six connections to a host, so six live widgets would starve the
// page's own queries. Measures come in batches (at most four a second from the server);
// each batch is one state update per interested widget, so 100 measures/s costs a few
// renders a second.

const HubContext = createContext<LiveHub | null>(null);
/** Where the dashboard's stream is: off (not live), connecting, or open and following. */
export type LiveStatus = "off" | "connecting" | "open";
const StatusContext = createContext<LiveStatus>("off");

/** The dashboard's one subscription to its tenant's live measures, while `enabled`. */
export function LiveMeasuresProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const [hub] = useState(() => new LiveHub());
  const stream = useSubscription(
    trpc.measures.subscribe.subscriptionOptions(enabled && tenantId ? { tenantId } : skipToken, {
      onData: (batch) => hub.publish(batch.measures),
    }),
  );
  // tRPC says "pending" once the stream is open and waiting for data
  const status: LiveStatus = !enabled ? "off" : stream.status === "pending" ? "open" : "connecting";
  return createElement(
    HubContext.Provider,
    { value: enabled ? hub : null },
    createElement(StatusContext.Provider, { value: status }, children),
  );
}

export const useLiveStatus = () => useContext(StatusContext);

/** Calls `listener` with each batch of live points of the twins (keys: twinKey, or ANY_TWIN) while the dashboard is live. */
export function useLiveListener(keys: string | (string | undefined)[] | undefined, listener: Listener) {
  const hub = useContext(HubContext);
  const [latest] = useState(() => ({ current: listener }));
  latest.current = listener;
  const wanted = [...new Set((Array.isArray(keys) ? keys : [keys]).filter((k): k is string => Boolean(k)))].join(" ");
  useEffect(() => {
    if (!hub || !wanted) return;
    const offs = wanted.split(" ").map((key) => hub.on(key, (points) => latest.current(points)));
    return () => {
      for (const off of offs) off();
    };
  }, [hub, wanted, latest]);
}

/**
 * The measures the twins receive while the dashboard is open and live, newest last, by
 * twinKey. `everyMs` gathers them for that long before one update: a chart over a year
 * redrawn four times a second at 100 measures/s kept the page busy for nothing.
 */
export function useLivePointsOf(twins: ({ kind: "asset" | "device"; id: string | undefined } | null)[], everyMs = 0) {
  const keys = twins.map((t) => (t?.id ? twinKey(t.kind, t.id) : undefined));
  const signature = keys.join(",");
  const [held, setHeld] = useState<{ signature: string; byKey: Record<string, LivePoint[]> }>({ signature, byKey: {} });
  const [gathered] = useState(() => ({ points: [] as LivePoint[], timer: null as ReturnType<typeof setTimeout> | null }));
  useEffect(
    () => () => {
      if (gathered.timer) clearTimeout(gathered.timer);
    },
    [gathered],
  );
  const apply = (batch: LivePoint[]) =>
    setHeld((h) => {
      const byKey = h.signature === signature ? { ...h.byKey } : {};
      for (const p of batch) {
        const key = twinKey(p.kind, p.twinId);
        byKey[key] = [...(byKey[key] ?? []), p].slice(-1000);
      }
      return { signature, byKey };
    });
  useLiveListener(keys, (batch) => {
    if (!everyMs) return apply(batch);
    gathered.points.push(...batch);
    gathered.timer ??= setTimeout(() => {
      const points = gathered.points;
      gathered.points = [];
      gathered.timer = null;
      apply(points);
    }, everyMs);
  });
  const byKey = held.signature === signature ? held.byKey : {};
  return keys.map((k) => (k ? (byKey[k] ?? NONE) : NONE));
}
const NONE: LivePoint[] = [];

/** The measures the twin receives while the dashboard is open and live, newest last. */
export function useLivePoints(kind: "asset" | "device" | undefined, id: string | undefined): LivePoint[] {
  return useLivePointsOf([kind ? { kind, id } : null])[0] ?? NONE;
}

const TwinIdsContext = createContext<ReadonlyMap<string, string>>(new Map());

/** The ids of the twins a dashboard names, resolved by dashboards.get: widgets need no lookup for them. */
export function TwinIdsProvider({ twins, children }: { twins: (TwinRef & { id: string })[]; children: ReactNode }) {
  const ids = useMemo(() => new Map(twins.map((t) => [refKey(t), t.id])), [twins]);
  return createElement(TwinIdsContext.Provider, { value: ids }, children);
}

/** Twins' ids from their models and references: known with the dashboard, else looked up (assets.get / devices.get). */
export function useTwinIds(twins: (TwinRef | null)[]): { ids: (string | undefined)[]; pending: boolean[] } {
  const trpc = useTRPC();
  const ids = useContext(TwinIdsContext);
  const known = twins.map((t) => (t ? ids.get(refKey(t)) : undefined));
  const looked = useQueries({
    queries: twins.map((t, i) => {
      const ref = t && !known[i] ? { model: t.model, reference: t.reference } : skipToken;
      return t?.kind === "device" ? trpc.devices.get.queryOptions(ref) : trpc.assets.get.queryOptions(ref);
    }),
  });
  return {
    ids: twins.map((_, i) => known[i] ?? looked[i]?.data?.id),
    pending: twins.map((_, i) => !known[i] && looked[i]?.fetchStatus === "fetching"),
  };
}

export function useTwinId(twin: TwinRef | null): string | undefined {
  return useTwinIds([twin]).ids[0];
}
