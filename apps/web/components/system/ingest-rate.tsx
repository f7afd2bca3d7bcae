"use client";
import { Card } from "@/components/ui/surface";
import { count } from "./format";

/** Payloads received per minute over the last quarter hour, as bars (the last one is the minute under way). */
export function IngestRate({ rate }: { rate: { at: Date; payloads: number }[] }) {
  const max = Math.max(1, ...rate.map((r) => r.payloads));
  const last = rate.at(-2)?.payloads ?? 0;
  return (
    <Card className="p-4">
      <div className="flex items-baseline justify-between gap-4">
        <h2 className="whitespace-nowrap text-sm font-semibold">Ingest rate</h2>
        <p className="text-sm text-zinc-500">
          <span className="font-semibold text-zinc-900 tabular-nums dark:text-zinc-100" data-testid="ingest-last-minute">
            {count(last)}
          </span>{" "}
          payloads in the last full minute
        </p>
      </div>
      <div className="mt-3 flex h-24 items-end gap-1" role="img" aria-label="Payloads per minute, last 15 minutes">
        {rate.map((r) => (
          <div
            key={r.at.getTime()}
            title={`${r.at.toLocaleTimeString()}: ${count(r.payloads)}`}
            className="flex-1 rounded-t bg-accent-500/70"
            style={{ height: `${Math.max(2, (r.payloads / max) * 100)}%` }}
          />
        ))}
      </div>
    </Card>
  );
}
