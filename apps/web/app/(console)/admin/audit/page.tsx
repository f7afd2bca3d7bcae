"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

export default function AuditPage() {
  const trpc = useTRPC();
  const [procedure, setProcedure] = useState("");
  const [outcome, setOutcome] = useState<"" | "ok" | "error">("");
  const filters = { procedure: procedure || undefined, outcome: outcome || undefined, limit: 50 };
  const pages = useInfiniteQuery(
    trpc.audit.search.infiniteQueryOptions(filters, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Every change made through the API: who, where, what and how it ended." />
      <Card>
        <Toolbar>
          <Input
            placeholder="Procedure, e.g. users."
            aria-label="Filter by procedure"
            value={procedure}
            onChange={(e) => setProcedure(e.target.value)}
            className="max-w-xs"
          />
          <Select
            aria-label="Filter by outcome"
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as typeof outcome)}
            className="max-w-[10rem]"
          >
            <option value="">Any outcome</option>
            <option value="ok">Succeeded</option>
            <option value="error">Failed</option>
          </Select>
        </Toolbar>
        {pages.error && <Notice>{errorMessage(pages.error)}</Notice>}
        {entries.length === 0 && !pages.isLoading ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <Table label="Audit entries" head={["When", "Who", "Procedure", "Entity", "Outcome"]}>
            {entries.map((e) => (
              <tr key={e.id}>
                <Cell className="whitespace-nowrap text-zinc-500">{e.at.toLocaleString()}</Cell>
                <Cell>{e.actorLabel}</Cell>
                <Cell className="font-mono text-xs">{e.procedure}</Cell>
                <Cell className="font-mono text-xs text-zinc-500">{e.entityId ?? "—"}</Cell>
                <Cell>
                  {e.outcome === "ok" ? <Badge tone="green">ok</Badge> : <Badge tone="red">{e.errorCode ?? "error"}</Badge>}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
        {pages.hasNextPage && (
          <div className="border-t border-zinc-200 p-3 text-center dark:border-zinc-800">
            <Button variant="secondary" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
              Load older entries
            </Button>
          </div>
        )}
      </Card>
    </>
  );
}
