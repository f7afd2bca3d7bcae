"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, Notice } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { bytes, count } from "./format";

/** Each tenant's payloads of the last day, measures stored and their storage (counted at most once a minute). */
export function TenantUsage() {
  const trpc = useTRPC();
  const usage = useQuery(trpc.system.usage.queryOptions(undefined, { refetchInterval: 60_000 }));
  return (
    <Card>
      <div className="flex items-baseline justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 className="text-sm font-semibold">Tenant usage</h2>
        {usage.data && <p className="text-xs text-zinc-500">counted {usage.data.countedAt.toLocaleTimeString()}</p>}
      </div>
      {usage.error && <Notice>{errorMessage(usage.error)}</Notice>}
      <Table label="Tenant usage" head={["Tenant", "Payloads, last 24 h", "Measures stored", "Measure storage"]}>
        {(usage.data?.items ?? []).map((t) => (
          <tr key={t.tenantId} data-testid="tenant-usage">
            <Cell>{t.name}</Cell>
            <Cell className="tabular-nums">{count(t.payloadsLastDay)}</Cell>
            <Cell className="tabular-nums">{count(t.measures)}</Cell>
            <Cell className="tabular-nums">{bytes(t.measureBytes)}</Cell>
          </tr>
        ))}
      </Table>
    </Card>
  );
}
