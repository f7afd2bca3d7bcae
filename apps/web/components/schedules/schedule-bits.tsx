"use client";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/surface";
import { relativeTime } from "@/lib/relative-time";
import type { ScheduleAction, ScheduleListItem } from "./draft";

/** The current time, ticking every `everyMs` (relative times stay right without refetches). */
export function useNow(everyMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A date as "in 5 s" with the full date and time beside it (or as its title when compact). */
export function WhenText({ date, now, compact = false }: { date: Date; now: number; compact?: boolean }) {
  const absolute = date.toLocaleString();
  return compact ? (
    <time dateTime={date.toISOString()} title={absolute}>
      {relativeTime(date, now)}
    </time>
  ) : (
    <span className="flex flex-col">
      <time dateTime={date.toISOString()}>{relativeTime(date, now)}</time>
      <span className="text-xs text-zinc-500">{absolute}</span>
    </span>
  );
}

const STATUS_TONES = { succeeded: "green", failed: "red", skipped: "amber" } as const;

export function ScheduleRunStatus({ status }: { status: string | null }) {
  const s = status ?? "unknown";
  return <Badge tone={STATUS_TONES[s as keyof typeof STATUS_TONES] ?? "neutral"}>{s}</Badge>;
}

/** The last run: when, its status, and its error (expandable) or result. */
export function LastRun({ lastRun, now }: { lastRun: ScheduleListItem["lastRun"]; now: number }) {
  const [open, setOpen] = useState(false);
  if (!lastRun) return <span className="text-zinc-400">never</span>;
  return (
    <div className="space-y-1" data-testid="schedule-last-run" data-status={lastRun.status ?? ""}>
      <span className="flex items-center gap-2">
        <ScheduleRunStatus status={lastRun.status} />
        <span className="text-xs text-zinc-500">
          <WhenText date={new Date(lastRun.at)} now={now} compact />
        </span>
      </span>
      {lastRun.error && (
        <button
          type="button"
          title={lastRun.error}
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          className={`block max-w-xs text-left text-xs text-red-600 dark:text-red-400 ${open ? "whitespace-pre-wrap break-words" : "truncate"}`}
          data-testid="schedule-last-error"
        >
          {lastRun.error}
        </button>
      )}
    </div>
  );
}

/** What a schedule does, in a few words: the rule by name, or the API procedure. */
export function ActionSummary({ action, ruleNames }: { action: ScheduleAction; ruleNames: Map<string, string> }) {
  if (action.type === "rule")
    return (
      <span data-testid="schedule-action" data-type="rule">
        Run rule <span className="font-medium">{ruleNames.get(action.ruleId) ?? `${action.ruleId.slice(0, 8)}… (unknown)`}</span>
      </span>
    );
  return (
    <span data-testid="schedule-action" data-type="api">
      API <code className="rounded bg-zinc-100 px-1 text-xs dark:bg-zinc-800">{action.path}</code>
    </span>
  );
}
