"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Options, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, ListFooter, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

const TONES = { VALID: "green", RECEIVED: "accent", SKIP: "neutral", ERROR: "red", FAILED: "red" } as const;
const STATES = ["VALID", "RECEIVED", "SKIP", "ERROR", "FAILED"] as const;

/** The decoders with their webhook and a curl example, then the payload log. */
export default function PayloadsPage() {
  const trpc = useTRPC();
  const decoders = useQuery(trpc.payloads.listDecoders.queryOptions());
  const [decoder, setDecoder] = useState("");
  const [state, setState] = useState<"" | (typeof STATES)[number]>("");
  const [open, setOpen] = useState<string | null>(null);
  const log = useInfiniteQuery(
    trpc.payloads.list.infiniteQueryOptions(
      { decoder: decoder || undefined, state: state || undefined, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <>
      <PageHeader
        title="Payloads"
        description="What devices and network servers post to the webhook, and how each payload ended."
      />
      <section className="mb-6 grid gap-4 lg:grid-cols-2" aria-label="Decoders">
        {decoders.data?.map((d) => (
          <Card key={d.action} className="p-4">
            <div className="flex items-center justify-between gap-2">
              <h2 className="font-semibold">{d.action}</h2>
              <Badge>{d.deviceModel}</Badge>
            </div>
            <p className="mt-1 text-sm text-zinc-500">{d.description}</p>
            <p className="mt-2 flex flex-wrap gap-1">
              {d.measures.map((m) => (
                <Badge key={m.name} tone="accent">
                  {m.name}: {m.type}
                </Badge>
              ))}
            </p>
            <pre
              className="mt-3 overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-800"
              data-testid={`curl-${d.action}`}
            >
              {`curl -X POST ${d.route} \\\n  -H "Authorization: Bearer $IOT_INGEST_KEY" \\\n  -H "content-type: application/json" -d @payload.json`}
            </pre>
          </Card>
        ))}
      </section>
      <Card>
        <Toolbar>
          <Select aria-label="Decoder" value={decoder} onChange={(e) => setDecoder(e.target.value)} className="max-w-[14rem]">
            <option value="">All decoders</option>
            <Options items={decoders.data?.map((d) => d.action) ?? []} />
          </Select>
          <Select
            aria-label="State"
            value={state}
            onChange={(e) => setState(e.target.value as typeof state)}
            className="max-w-[12rem]"
          >
            <option value="">Any state</option>
            <Options items={[...STATES]} />
          </Select>
        </Toolbar>
        {log.error && <Notice>{errorMessage(log.error)}</Notice>}
        {items.length === 0 && !log.isLoading ? (
          <EmptyState title="No payload yet">Post one to a decoder's webhook above.</EmptyState>
        ) : (
          <Table label="Payload log" head={["Received", "Decoder", "State", "Devices", "Measures", ""]}>
            {items.map((p) => (
              <tr key={p.id} className="align-top">
                <Cell className="whitespace-nowrap text-zinc-500">{p.receivedAt.toLocaleString()}</Cell>
                <Cell>{p.decoder}</Cell>
                <Cell>
                  <Badge tone={TONES[p.state as keyof typeof TONES] ?? "neutral"}>{p.state}</Badge>
                  {p.reason && <p className="mt-1 max-w-xs text-xs text-red-600">{p.reason}</p>}
                </Cell>
                <Cell className="text-xs">{p.devices.join(", ") || "—"}</Cell>
                <Cell>{p.measures}</Cell>
                <Cell>
                  <button
                    type="button"
                    className="text-xs text-accent-700 hover:underline dark:text-accent-100"
                    onClick={() => setOpen(open === p.id ? null : p.id)}
                  >
                    {open === p.id ? "Hide body" : "Raw body"}
                  </button>
                  {open === p.id && (
                    <pre className="mt-2 max-w-md overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-800">
                      {JSON.stringify(p.body, null, 2)}
                    </pre>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
        <ListFooter
          total={items.length}
          noun="payload(s) shown"
          hasMore={log.hasNextPage}
          loading={log.isFetchingNextPage}
          onMore={() => log.fetchNextPage()}
        />
      </Card>
    </>
  );
}
