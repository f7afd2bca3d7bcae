"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useDeferredValue, useMemo, useState } from "react";
import { ActionSummary, LastRun, useNow, WhenText } from "@/components/schedules/schedule-bits";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Card, EmptyState, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** The tenant's schedules: timing in words, on / off, next and last run, what each does, run now. */
export default function SchedulesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("schedules:write"));
  const canReadRules = Boolean(me.data?.currentTenant?.permissions.includes("rules:read"));
  const [text, setText] = useState("");
  const search = useDeferredValue(text.trim());
  // polled: last runs come from the worker
  const schedules = useQuery({
    ...trpc.schedules.list.queryOptions({ limit: 500, offset: 0, ...(search ? { text: search } : {}) }),
    refetchInterval: 5_000,
  });
  const rules = useQuery({ ...trpc.rules.list.queryOptions({ limit: 500, offset: 0 }), enabled: canReadRules });
  const ruleNames = useMemo(() => new Map((rules.data?.items ?? []).map((r) => [r.id, r.name])), [rules.data]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });

  // the switch moves at once; the list's answer confirms it (or puts it back, with the error)
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const toggle = useMutation(
    trpc.schedules.update.mutationOptions({
      onSettled: async (_data, _error, input) => {
        await refresh();
        setSwitching(({ [input.id]: _done, ...rest }) => rest);
      },
    }),
  );
  const [queued, setQueued] = useState<Record<string, boolean>>({});
  const runNow = useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: ({ id }) => {
        setQueued((q) => ({ ...q, [id]: true }));
        setTimeout(() => {
          setQueued(({ [id]: _done, ...rest }) => rest);
          void refresh();
        }, 1500);
      },
    }),
  );
  const items = schedules.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Schedules"
        description="Run a rule, or call the API, on a cron in a timezone or every N seconds."
        actions={
          canWrite && (
            <Link
              href="/schedules/new"
              data-testid="schedule-new"
              className="inline-flex h-9 items-center rounded-md bg-accent-600 px-3.5 text-sm font-medium text-white hover:bg-accent-700"
            >
              New schedule
            </Link>
          )
        }
      />
      <Card>
        <Toolbar>
          <Input
            type="search"
            aria-label="Search"
            placeholder="Name or description"
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="max-w-xs"
          />
        </Toolbar>
        {schedules.error && <Notice>{errorMessage(schedules.error)}</Notice>}
        {toggle.error && <Notice>{errorMessage(toggle.error)}</Notice>}
        {runNow.error && <Notice>{errorMessage(runNow.error)}</Notice>}
        {items.length === 0 && !schedules.isLoading ? (
          <EmptyState title="No schedule yet">{canWrite ? "Create one with “New schedule”." : null}</EmptyState>
        ) : (
          <Table label="Schedules" head={["Name", "Enabled", "When", "Next run", "Last run", "Action", ""]}>
            {items.map((s) => {
              const enabled = switching[s.id] ?? s.enabled;
              return (
                <tr
                  key={s.id}
                  data-testid="schedule-row"
                  data-id={s.id}
                  data-enabled={String(s.enabled)}
                  data-last-status={s.lastRun?.status ?? ""}
                >
                  <Cell>
                    <Link
                      href={`/schedules/${s.id}`}
                      className="font-medium text-accent-700 hover:underline dark:text-accent-100"
                      data-testid="schedule-link"
                    >
                      {s.name}
                    </Link>
                    {s.description && <p className="max-w-xs truncate text-xs text-zinc-500">{s.description}</p>}
                  </Cell>
                  <Cell>
                    <label className="inline-flex items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        checked={enabled}
                        disabled={!canWrite || s.id in switching}
                        aria-label={`Enable ${s.name}`}
                        data-testid="schedule-enabled"
                        onChange={(e) => {
                          setSwitching((sw) => ({ ...sw, [s.id]: e.target.checked }));
                          toggle.mutate({ id: s.id, patch: { enabled: e.target.checked } });
                        }}
                      />
                      {enabled ? "on" : "off"}
                    </label>
                  </Cell>
                  <Cell>
                    <span data-testid="schedule-humanized">{s.humanized}</span>
                    {s.when.cron && <p className="font-mono text-xs text-zinc-500">{s.when.cron}</p>}
                  </Cell>
                  <Cell className="whitespace-nowrap">
                    {s.nextRunAt ? <WhenText date={new Date(s.nextRunAt)} now={now} /> : <span className="text-zinc-400">—</span>}
                  </Cell>
                  <Cell>
                    <LastRun lastRun={s.lastRun} now={now} />
                  </Cell>
                  <Cell className="text-sm">
                    <ActionSummary action={s.action} ruleNames={ruleNames} />
                  </Cell>
                  <Cell className="whitespace-nowrap text-right">
                    {canWrite && (
                      <Button
                        size="sm"
                        variant="secondary"
                        disabled={queued[s.id] || (runNow.isPending && runNow.variables?.id === s.id)}
                        onClick={() => runNow.mutate({ id: s.id })}
                        data-testid="schedule-run-now"
                      >
                        {queued[s.id] ? "Queued" : "Run now"}
                      </Button>
                    )}
                    <Link
                      href={`/schedules/${s.id}`}
                      className="ml-2 inline-flex h-8 items-center rounded-md px-2.5 text-xs font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
                    >
                      Edit
                    </Link>
                  </Cell>
                </tr>
              );
            })}
          </Table>
        )}
      </Card>
    </>
  );
}
