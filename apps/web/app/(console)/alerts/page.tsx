"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useDeferredValue, useState } from "react";
import { useAlertsLive } from "@/components/alerts/alerts-live";
import { type ALERT_STATUSES, AlertStatusBadge, SEVERITIES, SeverityBadge, severityBar } from "@/components/alerts/severity";
import { Button } from "@/components/ui/button";
import { Input, Options, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, ListFooter, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

type StatusFilter = "open" | "all" | (typeof ALERT_STATUSES)[number];
const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "open", label: "Open (active or acknowledged)" },
  { value: "active", label: "Active" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "cleared", label: "Cleared" },
  { value: "all", label: "Any status" },
];
const STATUS_OF: Record<StatusFilter, (typeof ALERT_STATUSES)[number][] | undefined> = {
  open: ["active", "acknowledged"],
  active: ["active"],
  acknowledged: ["acknowledged"],
  cleared: ["cleared"],
  all: undefined,
};

/** Alerts raised by rules: filters, acknowledge and clear; new ones and changes arrive live. */
export default function AlertsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useAlertsLive();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("alerts:write"));
  const [status, setStatus] = useState<StatusFilter>("open");
  const [severity, setSeverity] = useState("");
  const [text, setText] = useState("");
  const search = useDeferredValue(text.trim());
  const [open, setOpen] = useState<string | null>(null);

  const alerts = useInfiniteQuery(
    trpc.alerts.search.infiniteQueryOptions(
      {
        limit: 50,
        ...(STATUS_OF[status] ? { status: STATUS_OF[status] } : {}),
        ...(severity ? { severity: [severity as (typeof SEVERITIES)[number]] } : {}),
        ...(search ? { text: search } : {}),
      },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = alerts.data?.pages.flatMap((p) => p.items) ?? [];
  const counts = alerts.data?.pages[0]?.open;
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const acknowledge = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess: refresh }));
  const clear = useMutation(trpc.alerts.clear.mutationOptions({ onSuccess: refresh }));
  const actionError = acknowledge.error ?? clear.error;

  return (
    <>
      <PageHeader
        title="Alerts"
        description="Raised by rules on a twin; acknowledge what you have seen, clear what is resolved."
        actions={
          <span
            data-testid="alerts-live-status"
            className={`text-xs ${live.status === "live" ? "text-emerald-600" : "text-zinc-500"}`}
          >
            {live.status === "live" ? "● Live" : live.status === "error" ? "Live updates unavailable" : "Connecting…"}
          </span>
        }
      />
      {counts && (
        <div className="mb-4 flex flex-wrap gap-2 text-sm" data-testid="alert-counts">
          <Badge tone="red">{counts.active} active</Badge>
          <Badge tone="amber">{counts.acknowledged} acknowledged</Badge>
          {SEVERITIES.map((s) => (
            <Badge key={s} tone="neutral">
              {counts.bySeverity[s] ?? 0} open {s}
            </Badge>
          ))}
        </div>
      )}
      <Card>
        <Toolbar>
          <Input
            type="search"
            aria-label="Search"
            placeholder="Rule, twin reference or message"
            value={text}
            onChange={(e) => setText(e.target.value)}
            className="max-w-xs"
          />
          <Select
            aria-label="Status"
            value={status}
            onChange={(e) => setStatus(e.target.value as StatusFilter)}
            className="max-w-[16rem]"
          >
            <Options items={STATUS_FILTERS} />
          </Select>
          <Select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value)} className="max-w-[12rem]">
            <option value="">Any severity</option>
            <Options items={[...SEVERITIES]} />
          </Select>
        </Toolbar>
        {alerts.error && <Notice>{errorMessage(alerts.error)}</Notice>}
        {actionError && <Notice>{errorMessage(actionError)}</Notice>}
        {items.length === 0 && !alerts.isLoading ? (
          <EmptyState title="No alert">Alerts appear here as soon as a rule raises them.</EmptyState>
        ) : (
          <Table label="Alerts" head={["Severity", "Twin", "Rule", "Message", "Raised", "Status", ""]}>
            {items.map((a) => (
              <tr
                key={a.id}
                data-testid="alert-row"
                data-status={a.status}
                data-severity={a.severity}
                className={`border-l-4 align-top ${severityBar(a.severity)}`}
              >
                <Cell>
                  <SeverityBadge severity={a.severity} />
                </Cell>
                <Cell>
                  <Link
                    href={`/${a.twin.kind === "asset" ? "assets" : "devices"}/${a.twin.id}`}
                    className="font-medium text-accent-700 hover:underline dark:text-accent-100"
                  >
                    {a.twin.reference}
                  </Link>
                  <p className="text-xs text-zinc-500">
                    {a.twin.kind} · {a.twin.model}
                  </p>
                </Cell>
                <Cell>
                  {a.ruleId ? (
                    <Link href={`/rules/${a.ruleId}`} className="hover:underline">
                      {a.ruleName}
                    </Link>
                  ) : (
                    a.ruleName
                  )}
                </Cell>
                <Cell className="max-w-sm">
                  <span data-testid="alert-message">{a.message}</span>
                  {open === a.id && (
                    <div className="mt-2 space-y-1 text-xs text-zinc-500">
                      {a.acknowledgedAt && (
                        <p>
                          Acknowledged {new Date(a.acknowledgedAt).toLocaleString()} by {a.acknowledgedBy}
                        </p>
                      )}
                      {a.clearedAt && (
                        <p>
                          Cleared {new Date(a.clearedAt).toLocaleString()} by {a.clearedBy}
                        </p>
                      )}
                      {a.autoClear && <p>Cleared by its rule when its condition stops holding.</p>}
                      <pre className="max-h-64 overflow-auto rounded bg-zinc-100 p-2 dark:bg-zinc-800">
                        {JSON.stringify(a.details, null, 2)}
                      </pre>
                    </div>
                  )}
                </Cell>
                <Cell className="whitespace-nowrap text-zinc-500">{new Date(a.raisedAt).toLocaleString()}</Cell>
                <Cell>
                  <span data-testid="alert-status">
                    <AlertStatusBadge status={a.status} />
                  </span>
                </Cell>
                <Cell className="whitespace-nowrap">
                  <Button size="sm" variant="ghost" onClick={() => setOpen(open === a.id ? null : a.id)}>
                    {open === a.id ? "Less" : "Details"}
                  </Button>
                  {canWrite && a.status === "active" && (
                    <Button
                      size="sm"
                      variant="secondary"
                      data-testid="alert-ack"
                      disabled={acknowledge.isPending}
                      onClick={() => acknowledge.mutate({ id: a.id })}
                    >
                      Acknowledge
                    </Button>
                  )}
                  {canWrite && a.status !== "cleared" && (
                    <Button
                      size="sm"
                      variant="ghost"
                      data-testid="alert-clear"
                      disabled={clear.isPending}
                      onClick={() => clear.mutate({ id: a.id })}
                    >
                      Clear
                    </Button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
        <ListFooter
          total={items.length}
          noun="alert(s) shown"
          hasMore={Boolean(alerts.hasNextPage)}
          loading={alerts.isFetchingNextPage}
          onMore={() => void alerts.fetchNextPage()}
        />
      </Card>
    </>
  );
}
