import { HydrationBoundary } from "@tanstack/react-query";
import { DashboardPage } from "@/components/dashboards/dashboard-page";
import { prefetchDashboard } from "@/components/dashboards/prefetch";

/** A dashboard, rendered with its data: the server fetches what its widgets show before it answers. */
export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const renderedAt = Date.now();
  const state = await prefetchDashboard(id, renderedAt);
  return (
    <HydrationBoundary state={state}>
      <DashboardPage id={id} renderedAt={renderedAt} />
    </HydrationBoundary>
  );
}
