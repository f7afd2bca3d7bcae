"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card, EmptyState, ListFooter, Notice } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { TraceView } from "./dry-run-panel";
import type { ConditionTrace } from "./types";

export const RUN_TONES = { queued: "neutral", running: "accent", succeeded: "green", failed: "red" } as const;

export function RunStatus({ status }: { status: string }) {
  return <Badge tone={RUN_TONES[status as keyof typeof RUN_TONES] ?? "neutral"}>{status}</Badge>;
}

const json = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v, null, 2));

/** A rule's runs, newest first; each expands to its trigger, trace and steps. */
export function RunHistory({ ruleId }: { ruleId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState<string | null>(null);
  const runs = useInfiniteQuery({
    ...trpc.rules.runs.infiniteQueryOptions({ ruleId, limit: 20 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    refetchInterval: 10_000,
  });
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <div className="flex items-center justify-between border-b border-zinc-200 p-3 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Run history</h2>
        <Button size="sm" variant="ghost" onClick={() => void runs.refetch()}>
          Refresh
        </Button>
      </div>
      {runs.error && <Notice>{errorMessage(runs.error)}</Notice>}
      {items.length === 0 && !runs.isLoading ? (
        <EmptyState title="No run yet">Runs appear here each time the rule fires.</EmptyState>
      ) : (
        <Table label="Runs" head={["Time", "Status", "Twin", "Duration", "Error", ""]}>
          {items.map((r) => {
            const twin = (r.trigger as { twin?: { reference?: string } } | null)?.twin;
            return (
              <Fragment key={r.id}>
                <tr data-testid="run-row" data-status={r.status}>
                  <Cell className="whitespace-nowrap text-zinc-500">{new Date(r.createdAt).toLocaleString()}</Cell>
                  <Cell>
                    <RunStatus status={r.status} />
                    {r.attempts > 1 && <span className="ml-1 text-xs text-zinc-500">{r.attempts} attempts</span>}
                  </Cell>
                  <Cell>{twin?.reference ?? "—"}</Cell>
                  <Cell>{r.durationMs === null ? "—" : `${r.durationMs} ms`}</Cell>
                  <Cell className="max-w-xs text-xs text-red-600">{r.error}</Cell>
                  <Cell>
                    <Button size="sm" variant="ghost" onClick={() => setOpen(open === r.id ? null : r.id)}>
                      {open === r.id ? "Hide" : "Steps"}
                    </Button>
                  </Cell>
                </tr>
                {open === r.id && (
                  <tr>
                    <td colSpan={6} className="bg-zinc-50 px-4 py-3 text-xs dark:bg-zinc-900/60">
                      {r.trace && (
                        <div className="mb-3">
                          <p className="mb-1 font-medium">Condition</p>
                          <TraceView trace={r.trace as ConditionTrace} />
                        </div>
                      )}
                      <p className="mb-1 font-medium">Steps</p>
                      {r.steps.length === 0 && <p className="text-zinc-500">None ran yet.</p>}
                      <ol className="space-y-2">
                        {r.steps.map((s) => (
                          <li
                            key={s.index}
                            className="rounded border border-zinc-200 p-2 dark:border-zinc-800"
                            data-testid="run-step"
                          >
                            <p className="font-medium">
                              {s.index + 1}. {s.task} · {s.durationMs} ms
                              {s.skipped && <span className="font-normal text-zinc-500"> · skipped: {s.skipped}</span>}
                            </p>
                            {s.error && <p className="text-red-600">{s.error}</p>}
                            <div className="mt-1 grid gap-2 md:grid-cols-2">
                              <div>
                                <p className="text-zinc-500">Input</p>
                                <pre className="max-h-48 overflow-auto rounded bg-white p-2 dark:bg-zinc-800">
                                  {json(s.input)}
                                </pre>
                              </div>
                              <div>
                                <p className="text-zinc-500">Output</p>
                                <pre className="max-h-48 overflow-auto rounded bg-white p-2 dark:bg-zinc-800">
                                  {json(s.output)}
                                </pre>
                              </div>
                            </div>
                          </li>
                        ))}
                      </ol>
                      <details className="mt-2">
                        <summary className="cursor-pointer text-zinc-500">Trigger payload</summary>
                        <pre className="mt-1 max-h-64 overflow-auto rounded bg-white p-2 dark:bg-zinc-800">{json(r.trigger)}</pre>
                      </details>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </Table>
      )}
      <ListFooter
        total={items.length}
        noun="run(s) shown"
        hasMore={Boolean(runs.hasNextPage)}
        loading={runs.isFetchingNextPage}
        onMore={() => void runs.fetchNextPage()}
      />
    </Card>
  );
}
