"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/surface";
import { useTRPC } from "@/lib/trpc";

const LABEL: Record<string, string> = {
  created: "Created",
  metadata: "Metadata changed",
  link: "Device linked",
  unlink: "Device unlinked",
  measure: "Measures",
};

function summary(event: string, details: Record<string, unknown>): string {
  if (event === "metadata") return ((details.changed as string[] | undefined) ?? []).join(", ");
  if (event === "link" || event === "unlink") return String(details.reference ?? details.deviceId ?? "");
  if (event === "created" && details.source === "csv") return "from a CSV import";
  return "";
}

/** The asset's history, newest first, paged. */
export function HistoryTimeline({ assetId }: { assetId: string }) {
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.assets.history.infiniteQueryOptions(
      { assetId, limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <ol className="relative space-y-4 border-l border-zinc-200 pl-4 dark:border-zinc-800" aria-label="Asset history">
        {entries.map((e) => (
          <li key={e.id} className="text-sm">
            <span
              className="absolute -left-1.5 mt-1.5 size-3 rounded-full border-2 border-white bg-accent-500 dark:border-zinc-900"
              aria-hidden="true"
            />
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={e.event === "link" ? "green" : e.event === "unlink" ? "amber" : "neutral"}>
                {LABEL[e.event] ?? e.event}
              </Badge>
              <span>{summary(e.event, e.details)}</span>
            </div>
            <p className="mt-0.5 text-xs text-zinc-500">
              {e.at.toLocaleString()}
              {e.actor ? ` · ${e.actor}` : ""}
            </p>
          </li>
        ))}
      </ol>
      {pages.hasNextPage && (
        <Button variant="secondary" size="sm" className="mt-3" onClick={() => pages.fetchNextPage()}>
          Older entries
        </Button>
      )}
    </div>
  );
}
