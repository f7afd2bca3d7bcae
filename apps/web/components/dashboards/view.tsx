"use client";
import { type ReactNode, useEffect, useState } from "react";
import { DashboardGrid, WidgetFrame } from "./grid";
import { LiveMeasuresProvider, TwinIdsProvider, useLiveStatus } from "./live";
import { TimeRangePicker, VariablePicker } from "./pickers";
import { viewContext } from "./context";
import type { DashboardDoc, Picked, Refresh, TimeRange, TwinRef } from "./types";
import { preloadWidgetCode, WidgetBody } from "./widgets";
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
  const timeRange = range ?? doc.timeRange;
  const slideMs = slideEvery(refresh, timeRange);
  useEffect(() => {
    if (!slideMs) return;
    const timer = setInterval(() => setNow(Date.now()), slideMs);
    return () => clearInterval(timer);
  }, [slideMs]);

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

/** Live, a relative range slides this often: its widgets read again what the live points drew since. */
const LIVE_SLIDE_MS = 30_000;

/**
 * How often the range moves to now (0: never): every N seconds in that mode; live, every
 * half minute for a relative range (an absolute one stays put), so a 15-minute chart stays
 * the last 15 minutes and what came live is read back from the server before the page's
 * live buffer (1,000 points a twin) lets it go.
 */
function slideEvery(refresh: Refresh, range: TimeRange): number {
  if (refresh.mode === "interval") return refresh.seconds * 1000;
  return refresh.mode === "live" && "relative" in range ? LIVE_SLIDE_MS : 0;
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
