"use client";
import { skipToken } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { useTenant } from "@/lib/tenant";
import { useTRPC } from "@/lib/trpc";
import type { Twin } from "./measures-panel";

/** The newest live measures kept on a page (older ones are in the history below). */
const KEEP = 500;

export type LiveMeasure = {
  key: string;
  deviceId: string;
  name: string;
  slot: string | null;
  type: string;
  measuredAt: Date;
  values: Record<string, unknown>;
};

/**
 * The measures a twin receives while its page is open, newest first. They come in
 * batches (at most four a second), each applied in one state update, so a busy twin
 * (100 measures/s) costs a few renders a second, not one per measure.
 */
export function useLiveMeasures(twin: Twin) {
  const trpc = useTRPC();
  const { tenantId } = useTenant();
  const [live, setLive] = useState<LiveMeasure[]>([]);
  const subscription = useSubscription(
    trpc.measures.subscribe.subscriptionOptions(
      tenantId ? { tenantId, ...(twin.kind === "device" ? { deviceId: twin.id } : { assetId: twin.id }) } : skipToken,
      {
        onData: (batch) =>
          setLive((held) =>
            [...batch.measures.map((m) => ({ ...m, measuredAt: new Date(m.measuredAt) })).reverse(), ...held].slice(0, KEEP),
          ),
      },
    ),
  );
  return { live, status: subscription.status };
}
