"use client";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTenant } from "@/lib/tenant";
import { useTRPC } from "@/lib/trpc";
import type { TwinRef } from "./types";

export type LivePoint = { key: string; measuredAt: Date; values: Record<string, unknown> };

/** A twin's id from its model and reference (assets.get / devices.get). */
export function useTwinId(twin: TwinRef | null): string | undefined {
  const trpc = useTRPC();
  const ref = twin ? { model: twin.model, reference: twin.reference } : null;
  const asset = useQuery(trpc.assets.get.queryOptions(twin?.kind === "asset" && ref ? ref : skipToken));
  const device = useQuery(trpc.devices.get.queryOptions(twin?.kind === "device" && ref ? ref : skipToken));
  return twin?.kind === "asset" ? asset.data?.id : device.data?.id;
}

/** The measures the twin receives while the dashboard is open (when it is live), newest last. */
export function useLivePoints(kind: "asset" | "device" | undefined, id: string | undefined, enabled: boolean) {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const [points, setPoints] = useState<LivePoint[]>([]);
  useSubscription(
    trpc.measures.subscribe.subscriptionOptions(
      enabled && tenantId && id && kind ? { tenantId, ...(kind === "device" ? { deviceId: id } : { assetId: id }) } : skipToken,
      {
        onData: (batch) =>
          setPoints((held) =>
            [...held, ...batch.measures.map((m) => ({ key: m.key, values: m.values, measuredAt: new Date(m.measuredAt) }))].slice(
              -1000,
            ),
          ),
      },
    ),
  );
  return points;
}
