"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { relativeTime } from "@/lib/relative-time";
import { useTenant } from "@/lib/tenant";
import { errorMessage, useTRPC } from "@/lib/trpc";

// The bell in the header: the caller's unread notifications (left by rules' notify steps),
// polled every 30 s and on window focus; its dropdown lists the latest, marks one read on
// click, or all at once.

const LEVEL_BAR = {
  info: "bg-sky-500",
  warning: "bg-amber-500",
  critical: "bg-red-600",
} as const;
const LEVEL_TEXT = {
  info: "text-sky-700 dark:text-sky-300",
  warning: "text-amber-700 dark:text-amber-300",
  critical: "text-red-700 dark:text-red-300",
} as const;

export function NotificationsBell({ enabled }: { enabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { tenantId } = useTenant();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const list = useQuery({
    ...trpc.notifications.list.queryOptions({ limit: 15 }),
    enabled: enabled && Boolean(tenantId),
    refetchInterval: 30_000,
    refetchOnWindowFocus: true,
    staleTime: 0,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSettled: refresh }));

  // closes on a click elsewhere and on Escape
  useEffect(() => {
    if (!open) return;
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!enabled || !tenantId) return null;
  const unread = list.data?.unread ?? 0;
  const items = list.data?.items ?? [];
  const now = Date.now();

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid="notifications-bell"
        data-count={unread}
        aria-label={`Notifications: ${unread} unread`}
        aria-haspopup="true"
        aria-expanded={open}
        title="Notifications"
        onClick={() => {
          if (!open) void list.refetch();
          setOpen(!open);
        }}
        className={`inline-flex h-8 items-center gap-1 rounded-md px-2 text-sm font-medium ${unread ? "bg-accent-100 text-accent-700 dark:bg-accent-700/30 dark:text-accent-100" : "text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
      >
        <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.6" aria-hidden="true">
          <path d="M10 3a4.5 4.5 0 0 0-4.5 4.5v3L4 13.5h12l-1.5-3v-3A4.5 4.5 0 0 0 10 3Z" strokeLinejoin="round" />
          <path d="M8 16a2 2 0 0 0 4 0" strokeLinecap="round" />
        </svg>
        <span data-testid="notifications-count">{unread}</span>
      </button>
      {open && (
        <div
          role="dialog"
          aria-label="Notifications"
          className="absolute right-0 z-50 mt-2 w-[min(24rem,calc(100vw-2rem))] overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900"
        >
          <div className="flex items-center justify-between border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
            <p className="text-sm font-semibold">Notifications</p>
            <button
              type="button"
              data-testid="notifications-mark-all"
              disabled={!unread || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
              className="rounded px-1.5 py-0.5 text-xs font-medium text-accent-700 hover:bg-accent-50 disabled:cursor-not-allowed disabled:text-zinc-400 disabled:hover:bg-transparent dark:text-accent-100 dark:hover:bg-accent-700/20"
            >
              Mark all read
            </button>
          </div>
          {(list.error || markRead.error) && (
            <p className="px-3 py-2 text-xs text-red-600" role="alert">
              {errorMessage(list.error ?? markRead.error)}
            </p>
          )}
          {items.length === 0 ? (
            <p className="px-3 py-8 text-center text-sm text-zinc-500">{list.isLoading ? "Loading…" : "No notification yet."}</p>
          ) : (
            <ul className="max-h-[26rem] divide-y divide-zinc-100 overflow-y-auto dark:divide-zinc-800">
              {items.map((n) => {
                const read = n.readAt !== null;
                const created = new Date(n.createdAt);
                return (
                  <li key={n.id}>
                    <button
                      type="button"
                      data-testid="notification-item"
                      data-id={n.id}
                      data-read={String(read)}
                      data-level={n.level}
                      onClick={() => !read && markRead.mutate({ ids: [n.id] })}
                      className={`flex w-full gap-2 px-3 py-2.5 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/60 ${read ? "opacity-70" : "bg-accent-50/40 dark:bg-accent-700/10"}`}
                    >
                      <span className={`mt-0.5 w-1 shrink-0 self-stretch rounded ${LEVEL_BAR[n.level]}`} aria-hidden="true" />
                      <span className="min-w-0 flex-1">
                        <span className="flex items-baseline justify-between gap-2">
                          <span className={`truncate text-sm ${read ? "" : "font-semibold"}`}>{n.title}</span>
                          <time
                            className="shrink-0 text-xs text-zinc-500"
                            dateTime={created.toISOString()}
                            title={created.toLocaleString()}
                          >
                            {relativeTime(created, now)}
                          </time>
                        </span>
                        {n.body && <span className="line-clamp-3 block text-xs text-zinc-600 dark:text-zinc-400">{n.body}</span>}
                        <span className={`text-[11px] font-medium uppercase tracking-wide ${LEVEL_TEXT[n.level]}`}>
                          {n.level}
                          {!read && <span className="ml-2 normal-case text-accent-700 dark:text-accent-100">● unread</span>}
                        </span>
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
