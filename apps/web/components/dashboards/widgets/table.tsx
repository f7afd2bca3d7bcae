"use client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useState } from "react";
import { ANY_TWIN, type LivePoint, useLiveListener } from "../live";
import { Button } from "@/components/ui/button";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { tableQuery } from "./queries";

type Column =
  | { kind: "reference"; label?: string }
  | { kind: "model"; label?: string }
  | { kind: "metadata"; field: string; label?: string }
  | { kind: "measure"; measure: string; field: string; label?: string };
export interface TableSettings {
  of?: "assets" | "devices";
  model?: string;
  columns?: Column[];
  sort?: { column: number; direction?: "asc" | "desc" };
  pageSize?: number;
  filter?: string;
}

const columnLabel = (c: Column) =>
  c.label ??
  (c.kind === "metadata"
    ? c.field
    : c.kind === "measure"
      ? `${c.measure}.${c.field}`
      : c.kind === "model"
        ? "Model"
        : "Reference");

type Row = { id: string; reference: string; model: string; metadata: Record<string, unknown>; measures: Record<string, unknown> };
/** The newest live values of the rows' twins, by twin id then measure key. */
type LiveValues = Record<string, Record<string, { at: number; values: Record<string, unknown> }>>;

function cellOf(c: Column, twin: Row, live: LiveValues) {
  if (c.kind === "reference") return twin.reference;
  if (c.kind === "model") return twin.model;
  if (c.kind === "metadata") return twin.metadata[c.field];
  const m = twin.measures?.[c.measure] as { values?: Record<string, unknown>; measuredAt?: string } | undefined;
  const fresh = live[twin.id]?.[c.measure];
  if (fresh && (!m?.measuredAt || fresh.at >= new Date(m.measuredAt).getTime()) && c.field in fresh.values)
    return fresh.values[c.field];
  return m?.values?.[c.field];
}

/** Live measures of the twins on the page, folded into their newest values. */
function useLiveValues(kind: "asset" | "device", ids: Set<string>): LiveValues {
  const [held, setHeld] = useState<LiveValues>({});
  useLiveListener(ANY_TWIN, (points: LivePoint[]) => {
    const mine = points.filter((p) => p.kind === kind && ids.has(p.twinId));
    if (!mine.length) return;
    setHeld((before) => {
      const next = { ...before };
      for (const p of mine) {
        const twin = { ...next[p.twinId] };
        const at = p.measuredAt.getTime();
        if ((twin[p.key]?.at ?? 0) <= at) twin[p.key] = { at, values: p.values };
        next[p.twinId] = twin;
      }
      return next;
    });
  });
  return held;
}

const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

export function TableWidget({ settings, ctx }: { settings: TableSettings; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  // what the viewer changes: the sort (by a column's header) and a text filter
  const [sort, setSort] = useState(settings.sort);
  const [search, setSearch] = useState("");
  const columns = settings.columns ?? [];
  const restart = () => setCursors([undefined]);
  const query = tableQuery(trpc, settings, { sort, search, cursor: cursors.at(-1) });
  const page = useQuery({ ...query, refetchInterval: ctx.live ? 10_000 : ctx.every });
  const items = (page.data?.items ?? []) as Row[];
  const live = useLiveValues(settings.of === "devices" ? "device" : "asset", new Set(items.map((t) => t.id)));
  if (page.error) return <Muted>{errorMessage(page.error)}</Muted>;
  // any column sorts (metadata and last measures as numbers or text, twins without them last)
  const sortedColumn = sort?.column ?? columns.findIndex((x) => x.kind === "reference");
  return (
    <div className="flex h-full flex-col">
      <div className="min-h-0 flex-1 overflow-auto">
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  key={i}
                  aria-sort={sortedColumn === i ? (sort?.direction === "desc" ? "descending" : "ascending") : undefined}
                  className="border-b border-zinc-200 px-2 py-1 text-xs font-medium text-zinc-500 dark:border-zinc-800"
                >
                  <button
                    type="button"
                    className="hover:text-zinc-800 dark:hover:text-zinc-200"
                    onClick={() => {
                      restart();
                      setSort({ column: i, direction: sort?.column === i && sort.direction !== "desc" ? "desc" : "asc" });
                    }}
                  >
                    {columnLabel(c)}
                    {sortedColumn === i ? (sort?.direction === "desc" ? " ▼" : " ▲") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                {columns.map((c, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  <td key={i} className="border-b border-zinc-100 px-2 py-1 tabular-nums dark:border-zinc-800/60">
                    {c.kind === "reference" ? (
                      <Link href={`/${settings.of === "devices" ? "devices" : "assets"}/${t.id}`} className="hover:underline">
                        {t.reference}
                      </Link>
                    ) : (
                      show(cellOf(c, t, live))
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between gap-2 pt-1 text-xs text-zinc-500">
        <input
          type="search"
          value={search}
          placeholder="Filter"
          aria-label="Filter the rows"
          className="w-28 rounded border border-zinc-200 bg-transparent px-1.5 py-0.5 dark:border-zinc-700"
          onChange={(e) => {
            restart();
            setSearch(e.target.value);
          }}
        />
        <span className="mr-auto">{page.data?.total != null ? `${page.data.total} in all` : ""}</span>
        <span className="flex gap-1">
          <Button size="sm" variant="ghost" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous
          </Button>
          <Button
            size="sm"
            variant="ghost"
            disabled={!page.data?.nextCursor}
            onClick={() => setCursors((c) => [...c, page.data?.nextCursor ?? undefined])}
          >
            Next
          </Button>
        </span>
      </div>
    </div>
  );
}

export const tableWidget: WidgetDefinition<TableSettings> = {
  type: "table",
  size: { w: 6, h: 4 },
  start: () => ({ of: "devices", columns: [{ kind: "reference" }, { kind: "model" }], pageSize: 20 }),
  View: TableWidget,
};
