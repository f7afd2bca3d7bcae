"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, EmptyState, Notice } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** The newest failed jobs: why they failed, and a retry or a discard each. */
export function FailedJobs() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const failed = useQuery(trpc.system.failedJobs.queryOptions({ limit: 50 }, { refetchInterval: 5_000 }));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.system.failedJobs.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.system.overview.queryKey() }),
    ]);
  const retry = useMutation(trpc.system.retryJob.mutationOptions({ onSettled: refresh }));
  const discard = useMutation(trpc.system.discardJob.mutationOptions({ onSettled: refresh }));
  const error = failed.error ?? retry.error ?? discard.error;
  const items = failed.data ?? [];
  return (
    <Card>
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold dark:border-zinc-800">Failed jobs</h2>
      {error && <Notice>{errorMessage(error)}</Notice>}
      {items.length === 0 ? (
        <EmptyState title="No failed job">Jobs that run out of retries show here, to retry or discard.</EmptyState>
      ) : (
        <Table label="Failed jobs" head={["Failed", "Queue", "Job", "Reason", ""]}>
          {items.map((j) => (
            <tr key={`${j.queue}/${j.id}`} data-testid="failed-job">
              <Cell className="whitespace-nowrap text-zinc-500">{j.failedAt?.toLocaleString() ?? "—"}</Cell>
              <Cell className="font-mono text-xs">{j.queue}</Cell>
              <Cell>
                <span className="font-mono text-xs">{j.name}</span>
                <span className="block text-xs text-zinc-500">
                  #{j.id} · {j.summary} · {j.attempts} attempt{j.attempts === 1 ? "" : "s"}
                </span>
              </Cell>
              <Cell className="max-w-md text-xs text-red-700 dark:text-red-400">{j.reason}</Cell>
              <Cell className="whitespace-nowrap text-right">
                <Button size="sm" variant="secondary" onClick={() => retry.mutate({ queue: j.queue, jobId: j.id })}>
                  Retry
                </Button>{" "}
                <Button size="sm" variant="ghost" onClick={() => discard.mutate({ queue: j.queue, jobId: j.id })}>
                  Discard
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
