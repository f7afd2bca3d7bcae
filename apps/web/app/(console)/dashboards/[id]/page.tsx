"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useState } from "react";
import { DashboardGrid, WidgetFrame } from "@/components/dashboards/grid";
import { TimeRangePicker, VariablePicker } from "@/components/dashboards/pickers";
import { type Picked, type Relative, rangeOf, type TimeRange, toDoc } from "@/components/dashboards/types";
import { WidgetBody } from "@/components/dashboards/widgets";
import { Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** A dashboard: its widgets on the grid, with its time range and variables to pick. */
export default function DashboardPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.dashboards.get.queryOptions({ id }));
  const doc = dashboard.data ? toDoc(dashboard.data) : null;
  const [range, setRange] = useState<TimeRange | null>(null);
  const [picked, setPicked] = useState<Picked>({});
  const [now, setNow] = useState(() => Date.now());
  const refresh = doc?.refresh;
  const seconds = refresh?.mode === "interval" ? refresh.seconds : 0;
  useEffect(() => {
    if (!seconds) return;
    const timer = setInterval(() => setNow(Date.now()), seconds * 1000);
    return () => clearInterval(timer);
  }, [seconds]);

  if (dashboard.error) return <Notice>{errorMessage(dashboard.error)}</Notice>;
  if (!doc || !dashboard.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const timeRange = range ?? doc.timeRange;
  const { from, to } = rangeOf(timeRange, now);
  const held: Picked = Object.fromEntries(
    doc.variables.map((v) => [
      v.name,
      v.name in picked ? picked[v.name] : v.default && v.model ? { model: v.model, reference: v.default } : undefined,
    ]),
  );
  const ctx = {
    variables: doc.variables,
    picked: held,
    from,
    to,
    live: refresh?.mode === "live",
    every: seconds ? seconds * 1000 : (false as const),
  };

  return (
    <>
      <PageHeader
        title={doc.title}
        description={doc.description || undefined}
        actions={
          <>
            {doc.variables.map((v) => (
              <VariablePicker
                key={v.name}
                variable={v}
                value={held[v.name]}
                onChange={(t) => setPicked((p) => ({ ...p, [v.name]: t }))}
              />
            ))}
            <TimeRangePicker
              value={"relative" in timeRange ? timeRange.relative : null}
              onChange={(r: Relative) => {
                setNow(Date.now());
                setRange({ relative: r });
              }}
            />
            <span className="text-xs text-zinc-500" data-testid="refresh-mode">
              {refresh?.mode === "live" ? "● Live" : refresh?.mode === "interval" ? `every ${seconds} s` : ""}
            </span>
            {dashboard.data.editable && (
              <Link
                href={`/dashboards/${id}/edit`}
                data-testid="dashboard-edit"
                className="inline-flex h-9 items-center rounded-md bg-accent-600 px-3.5 text-sm font-medium text-white hover:bg-accent-700"
              >
                Edit
              </Link>
            )}
          </>
        }
      />
      {doc.widgets.length === 0 ? (
        <Notice tone="info">No widget yet.{dashboard.data.editable ? " Add some in the editor." : ""}</Notice>
      ) : (
        <DashboardGrid
          widgets={doc.widgets}
          render={(w) => (
            <WidgetFrame widget={w}>
              <WidgetBody widget={w} ctx={ctx} />
            </WidgetFrame>
          )}
        />
      )}
    </>
  );
}
