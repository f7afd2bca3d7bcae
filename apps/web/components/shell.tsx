"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect, useState } from "react";
import { errorCode, useTRPC } from "@/lib/trpc";
import { useTenant } from "@/lib/tenant";
import { AlertsLive, useActiveAlertCount } from "./alerts/alerts-live";
import { NotificationsBell } from "./notifications/notifications-bell";
import { NAV } from "./nav";
import { TenantSwitcher } from "./tenant-switcher";
import { ThemeToggle } from "./theme-toggle";

/** Sidebar, top bar and the signed-in user; sends signed-out visitors to /login. */
export function Shell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const { tenantId, setTenantId } = useTenant();
  const [menuOpen, setMenuOpen] = useState(false);
  const me = useQuery(trpc.auth.me.queryOptions());
  const canSeeAlerts = Boolean(me.data?.currentTenant?.permissions.includes("alerts:read"));
  const canSeeNotifications = Boolean(me.data?.currentTenant?.permissions.includes("tenant:read"));
  const activeAlerts = useActiveAlertCount(canSeeAlerts);
  const logout = useMutation(trpc.auth.logout.mutationOptions({ onSettled: () => router.replace("/login") }));

  const code = errorCode(me.error);
  useEffect(() => {
    if (code === "UNAUTHORIZED") router.replace("/login");
    // the stored tenant is gone or no longer ours: fall back to none
    if (code === "FORBIDDEN" || code === "NOT_FOUND" || code === "BAD_REQUEST") setTenantId(null);
  }, [code, router, setTenantId]);
  // a link followed from the mobile menu closes it
  const [menuPath, setMenuPath] = useState(pathname);
  if (menuPath !== pathname) {
    setMenuPath(pathname);
    setMenuOpen(false);
  }
  // a member with no tenant chosen yet starts in their first tenant
  useEffect(() => {
    const data = me.data;
    if (data && !tenantId && !data.user.isPlatformAdmin && data.tenants[0]) setTenantId(data.tenants[0].id);
  }, [me.data, tenantId, setTenantId]);

  // The page renders at once, beside the session's own request, rather than after it: its
  // queries carry the stored tenant either way, and waiting would add a round trip to
  // every page load. The navigation and header fill in when the session answers.
  const permissions = new Set<string>(me.data?.currentTenant?.permissions ?? []);
  const isPlatformAdmin = me.data?.user.isPlatformAdmin ?? false;

  const nav = (
    <nav aria-label="Main" className="space-y-5 p-3 text-sm">
      {NAV.map((group) => {
        const items = group.items.filter((i) =>
          i.platformOnly
            ? isPlatformAdmin
            : i.permission === null || permissions.has(i.permission) || (isPlatformAdmin && !tenantId && i.ready),
        );
        if (!items.length) return null;
        return (
          <div key={group.section || "top"}>
            {group.section && (
              <p className="mb-1 px-2 text-xs font-semibold uppercase tracking-wide text-zinc-400">{group.section}</p>
            )}
            <ul className="space-y-0.5">
              {items.map((item) => {
                const active = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
                return (
                  <li key={item.href}>
                    {item.ready ? (
                      <Link
                        href={item.href}
                        aria-current={active ? "page" : undefined}
                        className={`flex items-center rounded-md px-2 py-1.5 ${active ? "bg-accent-50 font-medium text-accent-700 dark:bg-accent-700/20 dark:text-accent-100" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"}`}
                      >
                        {item.label}
                        {item.badge === "alerts" && Boolean(activeAlerts) && (
                          <span className="ml-auto rounded-full bg-red-600 px-1.5 text-[11px] font-semibold text-white">
                            {activeAlerts}
                          </span>
                        )}
                      </Link>
                    ) : (
                      <span
                        className="flex items-center justify-between rounded-md px-2 py-1.5 text-zinc-400"
                        title="Arrives in a coming release"
                      >
                        {item.label}
                        <span className="text-[10px] uppercase tracking-wide">soon</span>
                      </span>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );

  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-60 shrink-0 border-r border-zinc-200 bg-white lg:block dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex h-14 items-center gap-2 border-b border-zinc-200 px-4 font-semibold dark:border-zinc-800">
          <span className="flex size-7 items-center justify-center rounded-md bg-accent-600 text-xs font-bold text-white">
            io
          </span>
          IoT Console
        </div>
        {me.data && nav}
      </aside>
      {menuOpen && (
        <div className="fixed inset-0 z-40 lg:hidden">
          <button
            type="button"
            aria-label="Close menu"
            className="absolute inset-0 bg-zinc-950/40"
            onClick={() => setMenuOpen(false)}
          />
          <aside className="absolute inset-y-0 left-0 w-64 overflow-y-auto bg-white dark:bg-zinc-900">{nav}</aside>
        </div>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-900">
          <button
            type="button"
            className="rounded-md p-1.5 hover:bg-zinc-100 lg:hidden dark:hover:bg-zinc-800"
            aria-label="Open menu"
            onClick={() => setMenuOpen(true)}
          >
            <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
              <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
            </svg>
          </button>
          {me.data && <TenantSwitcher memberships={me.data.tenants} isPlatformAdmin={isPlatformAdmin} />}
          <div className="ml-auto flex items-center gap-2">
            <NotificationsBell enabled={canSeeNotifications} />
            {canSeeAlerts && (
              <Link
                href="/alerts"
                data-testid="alerts-badge"
                data-count={activeAlerts ?? 0}
                aria-label={`${activeAlerts ?? 0} active alert(s)`}
                title="Active alerts"
                className={`inline-flex h-8 items-center gap-1 rounded-md px-2 text-sm font-medium ${activeAlerts ? "bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-300" : "text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
              >
                <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
                  <path
                    fillRule="evenodd"
                    d="M8.7 2.8a1.5 1.5 0 0 1 2.6 0l6.5 11.7A1.5 1.5 0 0 1 16.5 17h-13a1.5 1.5 0 0 1-1.3-2.5L8.7 2.8ZM9 7v4.5h2V7H9Zm0 6v2h2v-2H9Z"
                  />
                </svg>
                {activeAlerts ?? 0}
              </Link>
            )}
            <ThemeToggle />
            <span className="hidden text-sm text-zinc-600 sm:inline dark:text-zinc-400" data-testid="current-user">
              {me.data?.user.email}
            </span>
            <button
              type="button"
              onClick={() => logout.mutate()}
              className="rounded-md px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              Sign out
            </button>
          </div>
        </header>
        <main className="mx-auto w-full max-w-6xl flex-1 p-4 sm:p-6">
          <AlertsLive enabled={canSeeAlerts}>{children}</AlertsLive>
        </main>
      </div>
    </div>
  );
}
