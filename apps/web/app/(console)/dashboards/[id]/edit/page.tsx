"use client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useParams } from "next/navigation";
import { DashboardEditor } from "@/components/dashboards/editor/editor";
import { Notice } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** The dashboard editor, for those whose profiles may change the dashboard. */
export default function DashboardEditPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.dashboards.get.queryOptions({ id }, { refetchOnWindowFocus: false }));
  if (dashboard.error) return <Notice>{errorMessage(dashboard.error)}</Notice>;
  if (!dashboard.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!dashboard.data.editable)
    return (
      <Notice>
        Your profiles may not change this dashboard. <Link href={`/dashboards/${id}`}>View it</Link>
      </Notice>
    );
  return <DashboardEditor key={dashboard.data.id} dashboard={dashboard.data} />;
}
