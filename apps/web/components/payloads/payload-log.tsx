"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Options, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, ListFooter, Notice, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";

const TONES = { VALID: "green", RECEIVED: "accent", SKIP: "neutral", ERROR: "red", FAILED: "red" } as const;
const STATES = ["VALID", "RECEIVED", "SKIP", "ERROR", "FAILED"] as const;
type State = (typeof STATES)[number];

/** The payload log: filters, state badges with reasons, raw bodies, and replay (one, or all that match). */
export function PayloadLog({ decoders }: { decoders: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [decoder, setDecoder] = useState("");
  const [state, setState] = useState<"" | State>("");
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const log = useInfiniteQuery(
    trpc.payloads.list.infiniteQueryOptions(
      { decoder: decoder || undefined, state: state || undefined, limit: 50 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  const replay = useMutation(trpc.payloads.replay.mutationOptions());

  async function replayPages(input: { ids: string[] } | { filter: { decoder?: string; state?: Exclude<State, "RECEIVED"> } }) {
    setOutcome(null);
    const states: Record<string, number> = {};
    let replayed = 0;
    let cursor: string | undefined;
    do {
      const page = await replay.mutateAsync({ ...input, cursor });
      replayed += page.replayed;
      for (const [s, n] of Object.entries(page.states)) states[s] = (states[s] ?? 0) + n;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    setOutcome(
      `Replayed ${replayed} payload(s): ${
        Object.entries(states)
          .map(([s, n]) => `${n} ${s}`)
          .join(", ") || "none"
      }`,
    );
    setConfirming(false);
    await queryClient.invalidateQueries({ queryKey: trpc.payloads.list.pathKey() });
  }
  const filter = { decoder: decoder || undefined, state: state && state !== "RECEIVED" ? state : undefined };

  return (
    <Card>
      <Toolbar>
        <Select aria-label="Decoder" value={decoder} onChange={(e) => setDecoder(e.target.value)} className="max-w-[14rem]">
          <option value="">All decoders</option>
          <Options items={decoders} />
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
        <Button variant="secondary" className="ml-auto" disabled={state === "RECEIVED"} onClick={() => setConfirming(true)}>
          Replay all that match
        </Button>
      </Toolbar>
      {log.error && <Notice>{errorMessage(log.error)}</Notice>}
      {outcome && <Notice tone="success">{outcome}</Notice>}
      {replay.error && !confirming && <Notice>{errorMessage(replay.error)}</Notice>}
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
              <Cell className="whitespace-nowrap">
                <Button size="sm" variant="ghost" onClick={() => setOpen(open === p.id ? null : p.id)}>
                  {open === p.id ? "Hide body" : "Raw body"}
                </Button>
                {p.state !== "RECEIVED" && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Replay payload ${p.id}`}
                    disabled={replay.isPending}
                    onClick={() => void replayPages({ ids: [p.id] }).catch(() => {})}
                  >
                    Replay
                  </Button>
                )}
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
      <ConfirmDialog
        open={confirming}
        title="Replay these payloads?"
        confirmLabel="Replay"
        pending={replay.isPending}
        error={replay.error ? errorMessage(replay.error) : null}
        onConfirm={() => void replayPages({ filter }).catch(() => {})}
        onCancel={() => setConfirming(false)}
      >
        Every payload that matches {decoder ? `decoder ${decoder}` : "any decoder"}
        {filter.state ? ` in state ${filter.state}` : ""} goes through its current decoder again, and what it produced is
        replaced. This is how a fixed decoder repairs history.
      </ConfirmDialog>
    </Card>
  );
}
