"use client";
import { type ReactNode, useEffect, useState } from "react";
import { DashboardGrid, WidgetFrame } from "./grid";
import { LiveMeasuresProvider, TwinIdsProvider, useLiveStatus } from "./live";
import { TimeRangePicker, VariablePicker } from "./pickers";
import { viewContext } from "./context";
import type { DashboardDoc, Picked, Refresh, TimeRange, TwinRef } from "./types";
import { WidgetBody } from "./widgets";
import { preloadWidgetCode } from "./widgets/code";
import { Notice } from "@/components/ui/surface";

/**
 * A dashboard drawn: its toolbar (the variables to pick, the time range, the refresh mode)
 * and its widgets on the grid. `pinned` variables are fixed by the page (the asset viewed
 * on an asset's page) and get no picker.
 */
export function DashboardView({
  doc,
  twins = [],
  pinned = {},
  actions,
  emptyNote,
  renderedAt,
}: {
  doc: DashboardDoc;
  /** The ids of the twins it names, from dashboards.get. */
  twins?: (TwinRef & { id: string })[] | undefined;
  pinned?: Picked;
  actions?: ReactNode;
  emptyNote?: string;
  /** When the server rendered the page: its relative time range ends there, as the data it sent does. */
  renderedAt?: number | undefined;
}) {
  const [range, setRange] = useState<TimeRange | null>(null);
  const [picked, setPicked] = useState<Picked>({});
  const [now, setNow] = useState(() => renderedAt ?? Date.now());
  const refresh = doc.refresh;
  const seconds = refresh.mode === "interval" ? refresh.seconds : 0;
  useEffect(() => {
    if (!seconds) return;
    const timer = setInterval(() => setNow(Date.now()), seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds]);

  const timeRange = range ?? doc.timeRange;
  const ctx = viewContext(doc, { range, picked, pinned, now });
  // the charts' and maps' code loads while the page hydrates
  preloadWidgetCode(doc.widgets.map((w) => w.type));
  const held = ctx.picked;

  return (
    <LiveMeasuresProvider enabled={ctx.live && doc.widgets.length > 0}>
      <div className="mb-4 flex flex-wrap items-center justify-end gap-2">
        {doc.variables
          .filter((v) => !(v.name in pinned))
          .map((v) => (
            <VariablePicker
              key={v.name}
              variable={v}
              value={held[v.name]}
              onChange={(t) => setPicked((p) => ({ ...p, [v.name]: t }))}
            />
          ))}
        <TimeRangePicker
          value={timeRange}
          onChange={(r) => {
            setNow(Date.now());
            setRange(r);
          }}
        />
        <RefreshMode refresh={refresh} />
        {actions}
      </div>
      {doc.widgets.length === 0 ? (
        <Notice tone="info">No widget yet.{emptyNote ? ` ${emptyNote}` : ""}</Notice>
      ) : (
        <TwinIdsProvider twins={twins}>
          <DashboardGrid
            widgets={doc.widgets}
            render={(w) => (
              <WidgetFrame widget={w}>
                <WidgetBody widget={w} ctx={ctx} />
              </WidgetFrame>
            )}
          />
        </TwinIdsProvider>
      )}
    </LiveMeasuresProvider>
  );
}

/** The refresh mode; in live mode, whether the stream is open yet (measures before that are not shown live). */
function RefreshMode({ refresh }: { refresh: Refresh }) {
  const status = useLiveStatus();
  return (
    <span className="text-xs text-zinc-500" data-testid="refresh-mode" data-live-status={status}>
      {refresh.mode === "live"
        ? status === "open"
          ? "● Live"
          : "○ Connecting…"
        : refresh.mode === "interval"
          ? `every ${refresh.seconds} s`
          : ""}
    </span>
  );
}
