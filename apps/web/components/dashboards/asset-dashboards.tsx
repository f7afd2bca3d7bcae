"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { toDoc } from "./types";
import { DashboardView } from "./view";
import { errorMessage, useTRPC } from "@/lib/trpc";

/**
 * The dashboards bound to an asset's model, as tabs on the asset's page: each drawn with
 * this asset as its asset variable (the reference's template dashboards by model).
 */
export function AssetDashboards({ asset }: { asset: { model: string; reference: string } }) {
  const trpc = useTRPC();
  const bound = useQuery(trpc.dashboards.list.queryOptions({ assetModel: asset.model }));
  const [chosen, setChosen] = useState<string | null>(null);
  const list = bound.data ?? [];
  const current = chosen ?? list[0]?.id ?? null;
  const dashboard = useQuery({ ...trpc.dashboards.get.queryOptions({ id: current ?? "" }), enabled: Boolean(current) });
  if (!list.length) return null;
  const doc = dashboard.data ? toDoc(dashboard.data) : null;
  // every asset variable of this model is the asset viewed
  const pinned = Object.fromEntries(
    (doc?.variables ?? []).filter((v) => v.kind === "asset" && v.model === asset.model).map((v) => [v.name, asset]),
  );
  return (
    <section className="mt-6" aria-label="Dashboards" data-testid="asset-dashboards">
      <div className="mb-3 flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800" role="tablist">
        {list.map((d) => (
          <button
            key={d.id}
            type="button"
            role="tab"
            aria-selected={d.id === current}
            data-testid="asset-dashboard-tab"
            onClick={() => setChosen(d.id)}
            className={`-mb-px border-b-2 px-3 py-2 text-sm ${
              d.id === current ? "border-accent-600 font-medium" : "border-transparent text-zinc-500 hover:text-zinc-800"
            }`}
          >
            {d.title}
          </button>
        ))}
      </div>
      {dashboard.error ? (
        <p className="text-sm text-red-600">{errorMessage(dashboard.error)}</p>
      ) : doc ? (
        <DashboardView key={current} doc={doc} twins={dashboard.data?.twins} pinned={pinned} />
      ) : (
        <p className="text-sm text-zinc-500">Loading…</p>
      )}
    </section>
  );
}
