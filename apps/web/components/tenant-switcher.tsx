"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";
import { useTenant } from "@/lib/tenant";
import { confirmDiscard } from "@/lib/unsaved";

/** Members pick among their tenants; platform admins among all, or the platform itself. */
export function TenantSwitcher({
  memberships,
  isPlatformAdmin,
}: {
  memberships: { id: string; name: string }[];
  isPlatformAdmin: boolean;
}) {
  const trpc = useTRPC();
  const { tenantId, setTenantId } = useTenant();
  const all = useQuery({ ...trpc.tenants.list.queryOptions({ limit: 200 }), enabled: isPlatformAdmin });
  const tenants = isPlatformAdmin ? (all.data?.items ?? []) : memberships;
  if (!isPlatformAdmin && memberships.length < 2) {
    return <span className="truncate text-sm font-medium">{memberships[0]?.name ?? "No tenant"}</span>;
  }
  return (
    <label className="flex min-w-0 items-center gap-2 text-sm">
      <span className="sr-only">Tenant</span>
      <select
        aria-label="Tenant"
        value={tenantId ?? ""}
        onChange={(e) => {
          // the select stays on the tenant when unsaved changes are kept
          if (confirmDiscard()) setTenantId(e.target.value || null);
        }}
        className="max-w-[14rem] truncate rounded-md border border-zinc-300 bg-white px-2 py-1.5 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {isPlatformAdmin && <option value="">Platform (all tenants)</option>}
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
