"use client";
import { skipToken, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { type ReactNode, createContext, useContext } from "react";
import { useTenant } from "@/lib/tenant";
import { useTRPC } from "@/lib/trpc";
import type { AlertView } from "@/components/rules/types";

// One live stream of the tenant's alerts for the whole console: each change is merged into
// the alert lists already loaded (a status change shows at once) and the alert queries are
// refetched (new alerts, the counts of the badge), as are the rules' open-alert counts.

type LiveStatus = "off" | "connecting" | "live" | "error";
const AlertsLiveContext = createContext<{ status: LiveStatus; enabled: boolean }>({ status: "off", enabled: false });

export function AlertsLive({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { tenantId } = useTenant();
  const subscription = useSubscription(
    trpc.alerts.subscribe.subscriptionOptions(enabled && tenantId ? { tenantId } : skipToken, {
      onData: ({ changes }) => {
        const changed = new Map(changes.map((c) => [c.alert.id, c.alert as AlertView]));
        queryClient.setQueriesData<{ pages: { items: AlertView[] }[] }>(
          { queryKey: trpc.alerts.search.infiniteQueryKey() },
          (data) =>
            data?.pages
              ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((a) => changed.get(a.id) ?? a) })) }
              : data,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.rules.list.pathKey() });
      },
    }),
  );
  const status: LiveStatus = !(enabled && tenantId)
    ? "off"
    : subscription.status === "pending"
      ? "live"
      : subscription.status === "error"
        ? "error"
        : "connecting";
  return <AlertsLiveContext.Provider value={{ status, enabled }}>{children}</AlertsLiveContext.Provider>;
}

export const useAlertsLive = () => useContext(AlertsLiveContext);

/** The count of active alerts (refetched on each change the live stream brings). */
export function useActiveAlertCount(enabled: boolean): number | null {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const counts = useQuery({
    ...trpc.alerts.search.queryOptions({ limit: 1, status: ["active"] }),
    enabled: enabled && Boolean(tenantId),
    select: (d) => d.open.active,
  });
  return counts.data ?? null;
}
