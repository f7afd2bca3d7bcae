"use client";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { Card, EmptyState, Notice } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { formatWhen } from "@/components/twins/status-badge";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { MeasureChart } from "./measure-chart";
import { useLiveMeasures } from "./use-live-measures";

export type Twin = { kind: "device"; id: string } | { kind: "asset"; id: string };

const RANGES = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
  "1y": 365 * 86_400_000,
} as const;
type Range = keyof typeof RANGES;

function isPoint(v: unknown): v is { lat: number; lon: number } {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { lat?: unknown }).lat === "number" &&
    typeof (v as { lon?: unknown }).lon === "number"
  );
}

function show(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => (isPoint(v) ? `${k} ${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}` : `${k} ${String(v)}`))
    .join(" · ");
}

/** Last measures as cards, a bucketed chart over a chosen range, the raw table, and the CSV export. */
export function MeasuresPanel({ twin }: { twin: Twin }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<Range>("24h");
  const [to] = useState(() => new Date());
  const from = new Date(to.getTime() - RANGES[range]);
  const key = twin.kind === "device" ? { deviceId: twin.id } : { assetId: twin.id };
  const last = useQuery(
    twin.kind === "device"
      ? trpc.devices.getLastMeasures.queryOptions({ deviceId: twin.id })
      : trpc.assets.getLastMeasures.queryOptions({ assetId: twin.id }),
  );
  const types = useQuery(trpc.models.listMeasures.queryOptions());
  const units = new Map(
    (types.data ?? []).flatMap((t) => Object.entries(t.fields).map(([f, spec]) => [f, spec.unit ?? ""] as const)),
  );
  const chart = useQuery(
    twin.kind === "device"
      ? trpc.devices.getMeasures.queryOptions({ deviceId: twin.id, from, to, bucket: { points: 200 } })
      : trpc.assets.getMeasures.queryOptions({ assetId: twin.id, from, to, bucket: { points: 200 } }),
  );
  const rawInput = { ...key, from, to, limit: 50 };
  const raw = useInfiniteQuery(
    twin.kind === "device"
      ? trpc.devices.getMeasures.infiniteQueryOptions(rawInput as { deviceId: string; from: Date; to: Date; limit: number }, {
          getNextPageParam: (p) => (p.kind === "raw" ? (p.nextCursor ?? undefined) : undefined),
        })
      : trpc.assets.getMeasures.infiniteQueryOptions(rawInput as { assetId: string; from: Date; to: Date; limit: number }, {
          getNextPageParam: (p) => (p.kind === "raw" ? (p.nextCursor ?? undefined) : undefined),
        }),
  );
  const { live, status } = useLiveMeasures(twin);
  // live measures on top of what was loaded: newer last measures, more points, more rows
  const latest: Record<string, { measuredAt: string | Date; values: Record<string, unknown> }> = { ...last.data };
  for (const m of [...live].reverse()) {
    const held = latest[m.key];
    if (!held || new Date(held.measuredAt) <= m.measuredAt) latest[m.key] = m;
  }
  const lastEntries = Object.entries(latest);
  const liveRows = live.filter((m) => m.measuredAt >= from).map((m) => ({ ...m, origin: { id: m.deviceId }, live: true }));
  const rows = [...liveRows, ...(raw.data?.pages.flatMap((p) => (p.kind === "raw" ? p.items : [])) ?? [])];
  const buckets = [
    ...(chart.data?.kind === "buckets" ? chart.data.buckets : []),
    ...live.map((m) => ({
      start: m.measuredAt,
      name: m.key,
      numbers: Object.fromEntries(
        Object.entries(m.values).flatMap(([f, v]) => (typeof v === "number" ? [[f, { min: v, max: v, avg: v }]] : [])),
      ),
    })),
  ];

  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4" data-testid="last-measures">
        {lastEntries.length === 0 && <p className="text-sm text-zinc-500">No measure received yet.</p>}
        {lastEntries.map(([name, m]) => (
          <Card key={name} className="p-4">
            <p className="text-xs uppercase tracking-wide text-zinc-500">{name}</p>
            <p className="mt-1 text-xl font-semibold tabular-nums">
              {Object.entries(m.values)
                .filter(([, v]) => typeof v === "number" || typeof v === "boolean")
                .map(([f, v]) => `${String(v)}${units.get(f) ? ` ${units.get(f)}` : ""}`)
                .join(" / ") || show(m.values)}
            </p>
            <p className="mt-1 text-xs text-zinc-500">{formatWhen(new Date(m.measuredAt))}</p>
          </Card>
        ))}
      </div>
      <Card className="p-5">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 className="flex items-center gap-2 text-sm font-semibold">
            History
            <span
              data-testid="live-status"
              className={`inline-flex items-center gap-1 text-xs font-normal ${status === "pending" ? "text-emerald-600" : "text-zinc-500"}`}
              title={status === "pending" ? "new measures appear as they arrive" : "not receiving live measures"}
            >
              <span aria-hidden className={`size-2 rounded-full ${status === "pending" ? "bg-emerald-500" : "bg-zinc-400"}`} />
              {status === "pending" ? "Live" : status === "connecting" ? "Connecting…" : "Not live"}
            </span>
          </h2>
          <div className="flex items-center gap-2">
            <Select aria-label="Time range" value={range} onChange={(e) => setRange(e.target.value as Range)} className="w-auto">
              <option value="1h">Last hour</option>
              <option value="24h">Last 24 h</option>
              <option value="7d">Last 7 days</option>
              <option value="30d">Last 30 days</option>
              <option value="1y">Last year</option>
            </Select>
            <ExportButton twin={twin} from={from} to={to} />
          </div>
        </div>
        {chart.error && <Notice>{errorMessage(chart.error)}</Notice>}
        {chart.data?.kind === "buckets" && <MeasureChart buckets={buckets} units={units} />}
      </Card>
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="No measures in this range" />
        ) : (
          <Table label="Measures" head={["Measured at", "Name", "Type", "Values"]}>
            {rows.map((m) => (
              <tr key={`${"live" in m ? "live-" : ""}${m.measuredAt.toISOString()}-${m.name}-${m.origin.id}`}>
                <Cell className="whitespace-nowrap text-zinc-500">{m.measuredAt.toLocaleString()}</Cell>
                <Cell>{m.slot ?? m.name}</Cell>
                <Cell>{m.type}</Cell>
                <Cell className="font-mono text-xs">{show(m.values)}</Cell>
              </tr>
            ))}
          </Table>
        )}
        {raw.hasNextPage && (
          <div className="border-t border-zinc-200 p-3 text-center dark:border-zinc-800">
            <Button variant="secondary" onClick={() => raw.fetchNextPage()} disabled={raw.isFetchingNextPage}>
              Older measures
            </Button>
          </div>
        )}
      </Card>
    </div>
  );
}

/** Asks for a link, then streams the file, showing how much has arrived, and saves it. */
function ExportButton({ twin, from, to }: { twin: Twin; from: Date; to: Date }) {
  const trpc = useTRPC();
  const [received, setReceived] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const deviceLink = useMutation(trpc.devices.exportMeasures.mutationOptions());
  const assetLink = useMutation(trpc.assets.exportMeasures.mutationOptions());

  async function run() {
    setError(null);
    setReceived(0);
    try {
      const link =
        twin.kind === "device"
          ? await deviceLink.mutateAsync({ deviceId: twin.id, from, to })
          : await assetLink.mutateAsync({ assetId: twin.id, from, to });
      const res = await fetch(link.url);
      if (!res.ok || !res.body) throw new Error(`export failed (${res.status})`);
      const reader = res.body.getReader();
      const parts: Uint8Array[] = [];
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.byteLength;
        setReceived(bytes);
      }
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `${twin.kind}-measures.csv`;
      a.click();
      URL.revokeObjectURL(url);
      setReceived(null);
    } catch (e) {
      setError(errorMessage(e));
      setReceived(null);
    }
  }

  return (
    <span className="flex items-center gap-2">
      <Button variant="secondary" onClick={run} disabled={received !== null}>
        {received === null ? "Export CSV" : `Exporting… ${(received / 1024).toFixed(0)} KB`}
      </Button>
      {error && <span className="text-xs text-red-600">{error}</span>}
    </span>
  );
}
