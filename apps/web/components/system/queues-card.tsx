"use client";
import type { AppRouter } from "@iot/api";
import type { inferRouterOutputs } from "@trpc/server";
import { Card } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { age, count } from "./format";

type Overview = inferRouterOutputs<AppRouter>["system"]["overview"];

/** Every queue's jobs by state and how long its oldest waiting job has waited; the payload shards first summed. */
export function QueuesCard({ overview }: { overview: Overview }) {
  const waiting = overview.queues.reduce((n, q) => n + (q.counts.wait ?? 0) + (q.counts.prioritized ?? 0), 0);
  const oldest = Math.max(0, ...overview.queues.map((q) => q.oldestWaitingSeconds));
  return (
    <Card>
      <div className="flex flex-wrap items-baseline gap-x-6 gap-y-1 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Queues</h2>
        <p className="text-sm text-zinc-500">
          <span
            data-testid="payloads-waiting"
            data-value={overview.backlog.payloads}
            className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100"
          >
            {count(overview.backlog.payloads)}
          </span>{" "}
          payloads to process · oldest {age(overview.backlog.oldestSeconds)}
        </p>
        <p className="text-sm text-zinc-500">
          <span
            data-testid="jobs-waiting"
            data-value={waiting}
            className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100"
          >
            {count(waiting)}
          </span>{" "}
          jobs waiting · oldest {age(oldest)}
        </p>
      </div>
      <Table label="Queues" head={["Queue", "Waiting", "Active", "Delayed", "Failed", "Oldest waiting"]}>
        {overview.queues.map((q) => (
          <tr key={q.queue} data-testid="queue-row" data-queue={q.queue}>
            <Cell className="font-mono text-xs">{q.queue}</Cell>
            <Cell className="tabular-nums">{count((q.counts.wait ?? 0) + (q.counts.prioritized ?? 0))}</Cell>
            <Cell className="tabular-nums">{count(q.counts.active ?? 0)}</Cell>
            <Cell className="tabular-nums">{count(q.counts.delayed ?? 0)}</Cell>
            <Cell className={`tabular-nums ${q.counts.failed ? "font-semibold text-red-600" : ""}`}>
              {count(q.counts.failed ?? 0)}
            </Cell>
            <Cell className="tabular-nums text-zinc-500">{age(q.oldestWaitingSeconds)}</Cell>
          </tr>
        ))}
      </Table>
    </Card>
  );
}
