"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useState } from "react";
import { Card, EmptyState, ListFooter, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { EMPTY_FILTER, FilterBuilder, toTwinFilter } from "@/components/twins/filter-builder";
import { StatusBadge, formatWhen } from "@/components/twins/status-badge";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { CatalogTools } from "./catalog-tools";

/**
 * A tenant's devices; for a platform admin acting on the platform, the whole catalog
 * (orphans included) with provisioning, CSV import and attach / detach.
 */
export default function DevicesPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const catalog = Boolean(me.data?.user.isPlatformAdmin && !me.data.currentTenant);
  const [filter, setFilter] = useState(EMPTY_FILTER);
  const [onlyOrphans, setOnlyOrphans] = useState(false);
  const models = useQuery(trpc.models.listDevices.queryOptions());
  const tenants = useQuery({ ...trpc.tenants.list.queryOptions({ limit: 200 }), enabled: catalog });
  const tenantName = new Map((tenants.data?.items ?? []).map((t) => [t.id, t.name]));
  const input = {
    filter: toTwinFilter(filter),
    limit: 50,
    withTotal: true,
    ...(catalog && onlyOrphans ? { tenantId: "orphans" as const } : {}),
  };
  const pages = useInfiniteQuery(
    trpc.devices.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const devices = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const fields = [...new Set((models.data ?? []).flatMap((m) => Object.keys(m.metadataMappings)))];

  return (
    <>
      <PageHeader
        title={catalog ? "Device catalog" : "Devices"}
        description={
          catalog
            ? "Every device of the platform. Orphans belong to no tenant until attached."
            : "The devices of this tenant and their state."
        }
      />
      {catalog && <CatalogTools models={models.data?.map((m) => m.model) ?? []} tenants={tenants.data?.items ?? []} />}
      <Card>
        <Toolbar>
          <FilterBuilder state={filter} onChange={setFilter} models={models.data?.map((m) => m.model) ?? []} fields={fields} />
          {catalog && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={onlyOrphans} onChange={(e) => setOnlyOrphans(e.target.checked)} /> Orphans only
            </label>
          )}
        </Toolbar>
        {pages.error && <Notice>{errorMessage(pages.error)}</Notice>}
        {devices.length === 0 && !pages.isLoading ? (
          <EmptyState title="No devices match">
            {catalog ? "Provision one above, or import a CSV file." : "Ask a platform admin to attach devices to this tenant."}
          </EmptyState>
        ) : (
          <Table label="Devices" head={["Reference", "Model", "Status", "Last seen", catalog ? "Tenant" : "Linked asset"]}>
            {devices.map((d) => (
              <tr key={d.id}>
                <Cell className="font-medium">
                  <Link href={`/devices/${d.id}`} className="text-accent-700 hover:underline dark:text-accent-100">
                    {d.reference}
                  </Link>
                </Cell>
                <Cell>{d.model}</Cell>
                <Cell>
                  <StatusBadge status={d.status} />
                </Cell>
                <Cell className="text-zinc-500">{formatWhen(d.lastSeenAt)}</Cell>
                <Cell>
                  {catalog ? (
                    d.tenantId ? (
                      (tenantName.get(d.tenantId) ?? d.tenantId)
                    ) : (
                      <span className="text-zinc-400">orphan</span>
                    )
                  ) : d.assetId ? (
                    <Link href={`/assets/${d.assetId}`} className="text-accent-700 hover:underline dark:text-accent-100">
                      linked
                    </Link>
                  ) : (
                    <span className="text-zinc-400">—</span>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
        <ListFooter
          total={pages.data?.pages[0]?.total}
          capped={pages.data?.pages[0]?.totalCapped}
          noun="device(s)"
          hasMore={pages.hasNextPage}
          loading={pages.isFetchingNextPage}
          onMore={() => pages.fetchNextPage()}
        />
      </Card>
    </>
  );
}
