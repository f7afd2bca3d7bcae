"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Select } from "@/components/ui/field";
import { Badge, Card, Notice, PageHeader } from "@/components/ui/surface";
import { MetadataForm } from "@/components/twins/metadata-form";
import { StatusBadge, formatWhen } from "@/components/twins/status-badge";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { MeasuresPanel } from "@/components/measures/measures-panel";
import { LinkDialog } from "./link-dialog";

export default function DevicePage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const device = useQuery(trpc.devices.get.queryOptions({ id }));
  const model = useQuery({
    ...trpc.models.getDevice.queryOptions({ model: device.data?.model ?? "" }),
    enabled: Boolean(device.data),
  });
  // a link or unlink changes the asset's page too
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.devices.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.assets.pathKey() }),
    ]);
  const update = useMutation(trpc.devices.replaceMetadata.mutationOptions({ onSuccess: refresh }));
  const unlink = useMutation(trpc.devices.unlinkAsset.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.devices.delete.mutationOptions({ onSuccess: () => router.replace("/devices") }));
  const [linking, setLinking] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const tenant = me.data?.currentTenant ?? null;
  const catalog = Boolean(me.data?.user.isPlatformAdmin && !tenant);
  const canWrite = catalog || Boolean(tenant?.permissions.includes("devices:write"));
  const canLink = Boolean(tenant?.permissions.includes("assets:write"));

  if (device.error) return <Notice>{errorMessage(device.error)}</Notice>;
  const d = device.data;
  if (!d) return <p className="text-sm text-zinc-500">Loading…</p>;

  return (
    <>
      <PageHeader
        title={d.reference}
        description={`${d.model} · last seen ${formatWhen(d.lastSeenAt)}`}
        actions={
          <>
            <StatusBadge status={d.status} />
            {canWrite && (
              <Button variant="secondary" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            )}
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <Card className="p-5">
          <h2 className="mb-4 text-sm font-semibold">Metadata</h2>
          {model.data && (
            <MetadataForm
              key={d.updatedAt.toISOString()}
              mappings={model.data.metadataMappings}
              details={model.data.metadataDetails}
              value={d.metadata}
              pending={update.isPending}
              error={update.error}
              readOnly={!canWrite}
              onSubmit={(metadata) =>
                update.mutate({ id: d.id, metadata: Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== null)) })
              }
            />
          )}
          {update.isSuccess && <p className="mt-2 text-sm text-emerald-600">Saved.</p>}
        </Card>
        <div className="space-y-4">
          {catalog ? (
            <TenantCard deviceId={d.id} tenantId={d.tenantId} onChanged={refresh} />
          ) : (
            <Card className="p-5">
              <h2 className="mb-3 text-sm font-semibold">Asset</h2>
              {d.assetId ? (
                <div className="space-y-2 text-sm">
                  <Link
                    href={`/assets/${d.assetId}`}
                    className="text-accent-700 hover:underline dark:text-accent-100"
                    data-testid="linked-asset"
                  >
                    Linked asset
                  </Link>
                  <ul className="space-y-1">
                    {d.linkMeasures.map((m) => (
                      <li key={m.device}>
                        <Badge>{m.device}</Badge> → <Badge tone="accent">{m.asset}</Badge>
                      </li>
                    ))}
                  </ul>
                  {canLink && (
                    <Button
                      variant="secondary"
                      size="sm"
                      onClick={() => unlink.mutate({ deviceId: d.id })}
                      disabled={unlink.isPending}
                    >
                      Unlink
                    </Button>
                  )}
                </div>
              ) : (
                <div className="space-y-2 text-sm text-zinc-500">
                  <p>Not linked: its measures feed no asset.</p>
                  {canLink && <Button onClick={() => setLinking(true)}>Link to an asset</Button>}
                </div>
              )}
              {unlink.error && <Notice>{errorMessage(unlink.error)}</Notice>}
            </Card>
          )}
          <Card className="p-5">
            <h2 className="mb-3 text-sm font-semibold">Measures of the model</h2>
            <ul className="space-y-1 text-sm">
              {model.data?.measures.map((m) => (
                <li key={m.name}>
                  {m.name} <span className="text-zinc-500">({m.type})</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
      {!catalog && (
        <section className="mt-6" aria-label="Measures">
          <MeasuresPanel twin={{ kind: "device", id: d.id }} />
        </section>
      )}
      {linking && model.data && (
        <LinkDialog
          device={d}
          deviceMeasures={model.data.measures}
          onClose={() => setLinking(false)}
          onLinked={() => {
            setLinking(false);
            refresh();
          }}
        />
      )}
      <ConfirmDialog
        open={deleting}
        title={`Delete ${d.reference}?`}
        confirmLabel="Delete device"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => remove.mutate({ id: d.id })}
        onCancel={() => setDeleting(false)}
      >
        A linked device is unlinked first. Its measures are kept.
      </ConfirmDialog>
    </>
  );
}

function TenantCard({ deviceId, tenantId, onChanged }: { deviceId: string; tenantId: string | null; onChanged: () => void }) {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions({ limit: 200 }));
  const attach = useMutation(trpc.devices.attachTenant.mutationOptions({ onSuccess: onChanged }));
  const detach = useMutation(trpc.devices.detachTenant.mutationOptions({ onSuccess: onChanged }));
  const [choice, setChoice] = useState("");
  const current = tenants.data?.items.find((t) => t.id === tenantId);
  return (
    <Card className="p-5">
      <h2 className="mb-3 text-sm font-semibold">Tenant</h2>
      {tenantId ? (
        <div className="space-y-2 text-sm">
          <p>
            Attached to <strong>{current?.name ?? tenantId}</strong>
          </p>
          <Button variant="secondary" size="sm" onClick={() => detach.mutate({ deviceId })} disabled={detach.isPending}>
            Detach (back to the catalog)
          </Button>
        </div>
      ) : (
        <div className="flex gap-2">
          <Select aria-label="Attach to tenant" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose a tenant</option>
            {tenants.data?.items.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
          <Button onClick={() => choice && attach.mutate({ deviceId, tenantId: choice })} disabled={!choice || attach.isPending}>
            Attach
          </Button>
        </div>
      )}
      {(attach.error ?? detach.error) && <Notice>{errorMessage(attach.error ?? detach.error)}</Notice>}
    </Card>
  );
}
