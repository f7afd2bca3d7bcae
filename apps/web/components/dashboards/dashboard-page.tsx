"use client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { toDoc } from "./types";
import { DashboardView } from "./view";
import { Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

/**
 * A dashboard: its widgets on the grid, with its time range and variables to pick.
 * `renderedAt`: when the server rendered the page and fetched its data.
 */
export function DashboardPage({ id, renderedAt }: { id: string; renderedAt?: number }) {
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.dashboards.get.queryOptions({ id }));
  if (dashboard.error) return <Notice>{errorMessage(dashboard.error)}</Notice>;
  if (!dashboard.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const doc = toDoc(dashboard.data);
  const editable = dashboard.data.editable;
  return (
    <>
      <PageHeader title={doc.title} description={doc.description || undefined} />
      <DashboardView
        doc={doc}
        twins={dashboard.data.twins}
        renderedAt={renderedAt}
        emptyNote={editable ? "Add some in the editor." : undefined}
        actions={
          editable && (
            <Link
              href={`/dashboards/${id}/edit`}
              data-testid="dashboard-edit"
              className="inline-flex h-9 items-center rounded-md bg-accent-600 px-3.5 text-sm font-medium text-white hover:bg-accent-700"
            >
              Edit
            </Link>
          )
        }
      />
    </>
  );
}
