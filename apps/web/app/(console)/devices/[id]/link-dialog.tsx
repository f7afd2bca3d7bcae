"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormActions } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

/**
 * Links a device to an asset: pick the asset, then say which asset slot each device
 * measure feeds (slots of the same type only; same name and type is proposed).
 */
export function LinkDialog({
  device,
  deviceMeasures,
  onClose,
  onLinked,
}: {
  device: { id: string; reference: string };
  deviceMeasures: { name: string; type: string }[];
  onClose: () => void;
  onLinked: () => void;
}) {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const [assetId, setAssetId] = useState("");
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const assets = useQuery(trpc.assets.search.queryOptions({ filter: query ? { text: query } : undefined, limit: 20 }));
  const chosen = assets.data?.items.find((a) => a.id === assetId);
  const assetModel = useQuery({ ...trpc.models.getAsset.queryOptions({ model: chosen?.model ?? "" }), enabled: Boolean(chosen) });
  const link = useMutation(trpc.devices.linkAsset.mutationOptions({ onSuccess: onLinked }));
  const slots = assetModel.data?.measures ?? [];

  function pickAsset(id: string) {
    setAssetId(id);
    setMapping({});
  }
  const slotFor = (m: { name: string; type: string }) =>
    mapping[m.name] ?? (slots.some((s) => s.name === m.name && s.type === m.type) ? m.name : "");

  function submit(e: FormEvent) {
    e.preventDefault();
    const measureNames = deviceMeasures.map((m) => ({ device: m.name, asset: slotFor(m) })).filter((m) => m.asset);
    link.mutate({ deviceId: device.id, assetId, measureNames: measureNames.length ? measureNames : undefined });
  }

  return (
    <Dialog open onClose={onClose} title={`Link ${device.reference} to an asset`}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {link.error && <Notice>{errorMessage(link.error)}</Notice>}
        <Field label="Find the asset">
          {(p) => (
            <Input
              {...p}
              type="search"
              placeholder="reference, model or metadata"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          )}
        </Field>
        <Field label="Asset">
          {(p) => (
            <Select {...p} value={assetId} onChange={(e) => pickAsset(e.target.value)}>
              <option value="">Choose an asset</option>
              {assets.data?.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.reference} ({a.model})
                </option>
              ))}
            </Select>
          )}
        </Field>
        {chosen && (
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium">Measures → asset slots</legend>
            {deviceMeasures.map((m) => (
              <div key={m.name} className="grid grid-cols-2 items-center gap-2 text-sm">
                <span>
                  {m.name} <span className="text-zinc-500">({m.type})</span>
                </span>
                <Select
                  aria-label={`Slot for ${m.name}`}
                  value={slotFor(m)}
                  onChange={(e) => setMapping({ ...mapping, [m.name]: e.target.value })}
                >
                  <option value="">not linked</option>
                  {slots
                    .filter((s) => s.type === m.type)
                    .map((s) => (
                      <option key={s.name} value={s.name}>
                        {s.name}
                      </option>
                    ))}
                </Select>
              </div>
            ))}
          </fieldset>
        )}
        <FormActions submitLabel="Link" pending={link.isPending || !assetId} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
