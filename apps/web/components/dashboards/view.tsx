"use client";
import { type ReactNode, useEffect, useState } from "react";
import { DashboardGrid, WidgetFrame } from "./grid";
import { LiveMeasuresProvider, TwinIdsProvider } from "./live";
import { TimeRangePicker, VariablePicker } from "./pickers";
import { type DashboardDoc, type Picked, rangeOf, type TimeRange, type TwinRef } from "./types";
import { WidgetBody } from "./widgets";
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
}: {
  doc: DashboardDoc;
  /** The ids of the twins it names, from dashboards.get. */
  twins?: (TwinRef & { id: string })[] | undefined;
  pinned?: Picked;
  actions?: ReactNode;
  emptyNote?: string;
}) {
  const [range, setRange] = useState<TimeRange | null>(null);
  const [picked, setPicked] = useState<Picked>({});
  const [now, setNow] = useState(() => Date.now());
  const refresh = doc.refresh;
  const seconds = refresh.mode === "interval" ? refresh.seconds : 0;
  useEffect(() => {
    if (!seconds) return;
    const timer = setInterval(() => setNow(Date.now()), seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds]);

  const timeRange = range ?? doc.timeRange;
  const { from, to } = rangeOf(timeRange, now);
  const held: Picked = Object.fromEntries(
    doc.variables.map((v) => [
      v.name,
      v.name in pinned
        ? pinned[v.name]
        : v.name in picked
          ? picked[v.name]
          : v.default && v.model
            ? { model: v.model, reference: v.default }
            : undefined,
    ]),
  );
  const ctx = {
    variables: doc.variables,
    picked: held,
    from,
    to,
    live: refresh.mode === "live",
    every: seconds ? seconds * 1000 : (false as const),
  };

  return (
    <>
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
        <span className="text-xs text-zinc-500" data-testid="refresh-mode">
          {refresh.mode === "live" ? "● Live" : refresh.mode === "interval" ? `every ${seconds} s` : ""}
        </span>
        {actions}
      </div>
      {doc.widgets.length === 0 ? (
        <Notice tone="info">No widget yet.{emptyNote ? ` ${emptyNote}` : ""}</Notice>
      ) : (
        <TwinIdsProvider twins={twins}>
          <LiveMeasuresProvider enabled={ctx.live}>
            <DashboardGrid
              widgets={doc.widgets}
              render={(w) => (
                <WidgetFrame widget={w}>
                  <WidgetBody widget={w} ctx={ctx} />
                </WidgetFrame>
              )}
            />
          </LiveMeasuresProvider>
        </TwinIdsProvider>
      )}
    </>
  );
}
