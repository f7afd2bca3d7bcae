"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useDeferredValue, useState } from "react";
import { RunStatus } from "@/components/rules/run-history";
import { formatWhen } from "@/components/twins/status-badge";
import { Input } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

const triggerLabel = (t: { type: string; event?: string; models?: string[]; when?: { cron?: string; everySeconds?: number } }) =>
  t.type === "event"
    ? `${t.event}${t.models?.length ? ` (${t.models.join(", ")})` : ""}`
    : t.when?.cron
      ? `schedule ${t.when.cron}`
      : `every ${t.when?.everySeconds} s`;

/** The tenant's rules: trigger, on / off, last run, open alerts. */
export default function RulesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("rules:write"));
  const [text, setText] = useState("");
  const search = useDeferredValue(text.trim());
  const rules = useQuery(trpc.rules.list.queryOptions({ limit: 500, offset: 0, ...(search ? { text: search } : {}) }));
  // the switch moves at once; the list's answer confirms it (or puts it back, with the error)
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  const toggle = useMutation(
    trpc.rules.update.mutationOptions({
      onSettled: async (_data, _error, input) => {
        await queryClient.invalidateQueries({ queryKey: trpc.rules.pathKey() });
        setSwitching(({ [input.id]: _done, ...rest }) => rest);
      },
    }),
  );
  const items = rules.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Rules"
        description="What happens when an event arrives: a condition on its payload, then steps (alerts, metadata, webhooks...)."
        actions={
          canWrite && (
            <Link
              href="/rules/new"
              data-testid="rule-new"
              className="inline-flex h-9 items-center rounded-md bg-accent-600 px-3.5 text-sm font-medium text-white hover:bg-accent-700"
            >
              New rule
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
        {rules.error && <Notice>{errorMessage(rules.error)}</Notice>}
        {toggle.error && <Notice>{errorMessage(toggle.error)}</Notice>}
        {items.length === 0 && !rules.isLoading ? (
          <EmptyState title="No rule yet">{canWrite ? "Create one with “New rule”." : null}</EmptyState>
        ) : (
          <Table label="Rules" head={["Name", "Trigger", "Enabled", "Last run", "Open alerts"]}>
            {items.map((r) => (
              <tr key={r.id} data-testid="rule-row">
                <Cell>
                  <Link href={`/rules/${r.id}`} className="font-medium text-accent-700 hover:underline dark:text-accent-100">
                    {r.name}
                  </Link>
                  {r.description && <p className="max-w-sm truncate text-xs text-zinc-500">{r.description}</p>}
                </Cell>
                <Cell className="font-mono text-xs">{triggerLabel(r.trigger)}</Cell>
                <Cell>
                  <label className="inline-flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={switching[r.id] ?? r.enabled}
                      disabled={!canWrite || r.id in switching}
                      aria-label={`Enable ${r.name}`}
                      data-testid="rule-toggle"
                      onChange={(e) => {
                        setSwitching((s) => ({ ...s, [r.id]: e.target.checked }));
                        toggle.mutate({ id: r.id, patch: { enabled: e.target.checked } });
                      }}
                    />
                    {(switching[r.id] ?? r.enabled) ? "on" : "off"}
                  </label>
                </Cell>
                <Cell>
                  {r.lastRun ? (
                    <span className="flex items-center gap-2">
                      <RunStatus status={r.lastRun.status} />
                      <span className="text-xs text-zinc-500">{formatWhen(new Date(r.lastRun.createdAt))}</span>
                    </span>
                  ) : (
                    <span className="text-zinc-400">never</span>
                  )}
                  {r.lastRun?.error && <p className="max-w-xs truncate text-xs text-red-600">{r.lastRun.error}</p>}
                </Cell>
                <Cell>
                  {r.openAlerts > 0 ? (
                    <Link href="/alerts">
                      <Badge tone="red">{r.openAlerts}</Badge>
                    </Link>
                  ) : (
                    <span className="text-zinc-400">0</span>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
