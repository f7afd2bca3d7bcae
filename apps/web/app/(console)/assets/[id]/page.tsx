"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Badge, Card, Notice, PageHeader } from "@/components/ui/surface";
import { MetadataForm } from "@/components/twins/metadata-form";
import { formatWhen } from "@/components/twins/status-badge";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { AssetDashboards } from "@/components/dashboards/asset-dashboards";
import { MeasuresPanel } from "@/components/measures/measures-panel";
import { HistoryTimeline } from "./history-timeline";

export default function AssetPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const asset = useQuery(trpc.assets.get.queryOptions({ id }));
  const model = useQuery({
    ...trpc.models.getAsset.queryOptions({ model: asset.data?.model ?? "" }),
    enabled: Boolean(asset.data),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.assets.pathKey() });
  const update = useMutation(trpc.assets.replaceMetadata.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.assets.delete.mutationOptions({ onSuccess: () => router.replace("/assets") }));
  const [deleting, setDeleting] = useState(false);
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("assets:write"));

  if (asset.error) return <Notice>{errorMessage(asset.error)}</Notice>;
  const a = asset.data;
  if (!a) return <p className="text-sm text-zinc-500">Loading…</p>;

  return (
    <>
      <PageHeader
        title={a.reference}
        description={`${a.model} · last seen ${formatWhen(a.lastSeenAt)}`}
        actions={
          canWrite && (
            <Button variant="secondary" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          )
        }
      />
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <div className="space-y-4">
          <Card className="p-5">
            <h2 className="mb-4 text-sm font-semibold">Metadata</h2>
            {model.data && (
              <MetadataForm
                key={a.updatedAt.toISOString()}
                mappings={model.data.metadataMappings}
                details={model.data.metadataDetails}
                value={a.metadata}
                pending={update.isPending}
                error={update.error}
                readOnly={!canWrite}
                onSubmit={(metadata) =>
                  update.mutate({
                    id: a.id,
                    metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== null)),
                  })
                }
              />
            )}
          </Card>
          <Card className="p-5">
            <h2 className="mb-4 text-sm font-semibold">History</h2>
            <HistoryTimeline assetId={a.id} />
          </Card>
        </div>
        <div className="space-y-4">
          <Card className="p-5">
            <h2 className="mb-3 text-sm font-semibold">Linked devices</h2>
            {a.linkedDevices.length === 0 ? (
              <p className="text-sm text-zinc-500">None yet. Link one from its device page.</p>
            ) : (
              <ul className="space-y-3 text-sm" data-testid="linked-devices">
                {a.linkedDevices.map((d) => (
                  <li key={d.id}>
                    <Link href={`/devices/${d.id}`} className="font-medium text-accent-700 hover:underline dark:text-accent-100">
                      {d.reference}
                    </Link>{" "}
                    <span className="text-zinc-500">{d.model}</span>
                    <div className="mt-1 flex flex-wrap gap-1">
                      {d.linkMeasures.map((m) => (
                        <Badge key={m.asset} tone="accent">
                          {m.device} → {m.asset}
                        </Badge>
                      ))}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card className="p-5">
            <h2 className="mb-3 text-sm font-semibold">Measure slots</h2>
            <ul className="space-y-1 text-sm">
              {model.data?.measures.map((s) => (
                <li key={s.name}>
                  {s.name} <span className="text-zinc-500">({s.type})</span>
                </li>
              ))}
            </ul>
          </Card>
          {a.groups.length > 0 && (
            <Card className="p-5">
              <h2 className="mb-3 text-sm font-semibold">Groups</h2>
              <div className="flex flex-wrap gap-1">
                {a.groups.map((g) => (
                  <Badge key={g.id}>{g.name}</Badge>
                ))}
              </div>
            </Card>
          )}
        </div>
      </div>
      <section className="mt-6" aria-label="Measures">
        <MeasuresPanel twin={{ kind: "asset", id: a.id }} />
      </section>
      <AssetDashboards asset={{ model: a.model, reference: a.reference }} />
      <ConfirmDialog
        open={deleting}
        title={`Delete ${a.reference}?`}
        confirmLabel="Delete asset"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => remove.mutate({ id: a.id })}
        onCancel={() => setDeleting(false)}
      >
        Its devices are unlinked and stay in the tenant. Its measures are kept.
      </ConfirmDialog>
    </>
  );
}
