"use client";
import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useTwinId } from "../live";
import type { TwinRef } from "../types";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { alertsQuery, alertsTwin } from "./queries";

export interface AlertsSettings {
  severity?: ("info" | "warning" | "critical")[];
  model?: string;
  /** Only this twin's alerts, or those of the twin a variable holds. */
  twin?: TwinRef;
  variable?: string;
  limit?: number;
}

export function AlertsWidget({ settings, ctx }: { settings: AlertsSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const twinId = useTwinId(alertsTwin(settings, ctx));
  const { waiting, query } = alertsQuery(trpc, settings, ctx, () => twinId);
  const alerts = useQuery({ ...query, refetchInterval: ctx.live ? 10_000 : ctx.every });
  if (waiting) return <Muted>{settings.variable ? "Pick the variable’s twin." : "No such twin."}</Muted>;
  if (alerts.error) return <Muted>{errorMessage(alerts.error)}</Muted>;
  const items = alerts.data?.items ?? [];
  if (!items.length) return <Muted>No open alert.</Muted>;
  return (
    <ul className="h-full space-y-1 overflow-auto text-sm">
      {items.map((a) => (
        <li key={a.id} className="flex gap-2">
          <span
            className={`mt-1.5 size-2 shrink-0 rounded-full ${a.severity === "critical" ? "bg-red-500" : a.severity === "warning" ? "bg-amber-500" : "bg-sky-500"}`}
          />
          <span className="min-w-0">
            <span className="font-medium">{a.twin.reference}</span> <span className="text-zinc-500">{a.message}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export const alertsWidget: WidgetDefinition<AlertsSettings> = {
  type: "alerts",
  size: { w: 3, h: 4 },
  start: () => ({ severity: [], limit: 20 }),
  View: AlertsWidget,
};
