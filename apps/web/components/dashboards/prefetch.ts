import { dehydrate, type DehydratedState, type FetchQueryOptions, skipToken } from "@tanstack/react-query";
import { pageApi } from "@/lib/page-api";
import { viewContext } from "./context";
import { refKey, toDoc } from "./types";
import { firstQueries, type IdOf } from "./widgets/queries";

/**
 * A dashboard's data fetched on the server while its page renders: the document, the
 * signed-in user, and every widget's first queries, all in parallel and in process. The
 * page is then drawn in its HTML, without the round trips the browser would make once its
 * scripts had loaded (about a second on a small machine). Null when the page cannot know
 * who asks or in which tenant (no session or tenant cookie): the browser fetches it all.
 */
export async function prefetchDashboard(id: string, now: number): Promise<DehydratedState | null> {
  const { trpc, queryClient, signedIn, tenantId } = await pageApi();
  if (!signedIn || !tenantId) return null;
  const me = queryClient.prefetchQuery(trpc.auth.me.queryOptions());
  // a missing or forbidden dashboard is left for the browser to ask, and to explain
  const dashboard = await queryClient.fetchQuery(trpc.dashboards.get.queryOptions({ id })).catch(() => null);
  if (dashboard) {
    const doc = toDoc(dashboard);
    const ctx = viewContext(doc, { range: null, picked: {}, pinned: {}, now });
    const ids = new Map((dashboard.twins ?? []).map((t) => [refKey(t), t.id]));
    const idOf: IdOf = (twin) => (twin ? ids.get(refKey(twin)) : undefined);
    const ready = doc.widgets
      .flatMap((w) => firstQueries(trpc, w, ctx, idOf))
      .filter((q) => q.queryFn !== skipToken) as FetchQueryOptions[];
    await Promise.all(ready.map((q) => queryClient.prefetchQuery(q)));
  }
  await me;
  return dehydrate(queryClient);
}
