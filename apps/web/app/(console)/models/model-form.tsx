"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

const METADATA_TYPES = ["keyword", "text", "integer", "float", "boolean", "date", "geopoint"] as const;
type MetadataType = (typeof METADATA_TYPES)[number];

interface ModelShape {
  model: string;
  measures: { name: string; type: string }[];
  metadataMappings: Record<string, { type: MetadataType; required?: boolean }>;
  tenantGroup?: string;
  offlineAfterSeconds?: number;
  decoder?: string | null;
  defaultMetadata?: Record<string, unknown>;
  metadataDetails?: Record<string, unknown>;
}
export type EditedModel = { kind: "device" | "asset"; model: ModelShape | null };

/** Creates or edits a model: its measure slots and its typed metadata fields. */
export function ModelForm({
  editing,
  measureTypes,
  onClose,
}: {
  editing: EditedModel;
  measureTypes: string[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery({ ...trpc.tenants.listGroups.queryOptions(), enabled: editing.kind === "asset" });
  const done = () => {
    queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
    onClose();
  };
  const writeDevice = useMutation(trpc.models.writeDevice.mutationOptions({ onSuccess: done }));
  const writeAsset = useMutation(trpc.models.writeAsset.mutationOptions({ onSuccess: done }));
  const active = editing.kind === "device" ? writeDevice : writeAsset;
  const m = editing.model;
  const [name, setName] = useState(m?.model ?? "");
  const [group, setGroup] = useState(m?.tenantGroup ?? "commons");
  const [offline, setOffline] = useState(String(Math.round((m?.offlineAfterSeconds ?? 3600) / 60)));
  const [slots, setSlots] = useState(m?.measures ?? []);
  const [meta, setMeta] = useState(
    Object.entries(m?.metadataMappings ?? {}).map(([field, v]) => ({ field, type: v.type, required: Boolean(v.required) })),
  );
  const errors = fieldErrors(active.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    const metadataMappings = Object.fromEntries(
      meta.filter((f) => f.field).map((f) => [f.field, { type: f.type, required: f.required }]),
    );
    const measures = slots.filter((s) => s.name);
    // what this form does not edit is kept, for the fields that remain
    const keep = <T,>(record: Record<string, T> | undefined) =>
      Object.fromEntries(Object.entries(record ?? {}).filter(([k]) => k in metadataMappings));
    const rest = { defaultMetadata: keep(m?.defaultMetadata), metadataDetails: keep(m?.metadataDetails) as never };
    if (editing.kind === "device") {
      writeDevice.mutate({
        model: name,
        measures,
        metadataMappings,
        ...rest,
        offlineAfterSeconds: Math.max(1, Number(offline) || 60) * 60,
        decoder: m?.decoder ?? null,
      });
    } else writeAsset.mutate({ model: name, tenantGroup: group, measures, metadataMappings, ...rest });
  }

  return (
    <Dialog open onClose={onClose} title={`${m ? "Edit" : "New"} ${editing.kind} model`}>
      <form onSubmit={submit} className="max-h-[70vh] space-y-4 overflow-y-auto pr-1" noValidate>
        {active.error && <Notice>{errorMessage(active.error)}</Notice>}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Model name" error={errors.model}>
            {(p) => <Input {...p} value={name} disabled={Boolean(m)} onChange={(e) => setName(e.target.value)} autoFocus />}
          </Field>
          {editing.kind === "device" ? (
            <Field label="Offline after (minutes)" error={errors.offlineAfterSeconds}>
              {(p) => <Input {...p} type="number" min={1} value={offline} onChange={(e) => setOffline(e.target.value)} />}
            </Field>
          ) : (
            <Field label="Tenant group" error={errors.tenantGroup}>
              {(p) => (
                <Select {...p} value={group} disabled={Boolean(m)} onChange={(e) => setGroup(e.target.value)}>
                  {groups.data?.map((g) => (
                    <option key={g.name} value={g.name}>
                      {g.label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Measure slots</legend>
          {slots.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows being edited have no identity yet
            <div key={i} className="flex gap-2">
              <Input
                aria-label={`Slot ${i + 1} name`}
                value={s.name}
                onChange={(e) => setSlots(slots.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))}
              />
              <Select
                aria-label={`Slot ${i + 1} type`}
                value={s.type}
                onChange={(e) => setSlots(slots.map((x, j) => (j === i ? { ...x, type: e.target.value } : x)))}
              >
                {measureTypes.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
              <Button
                variant="ghost"
                aria-label={`Remove slot ${i + 1}`}
                onClick={() => setSlots(slots.filter((_, j) => j !== i))}
              >
                ×
              </Button>
            </div>
          ))}
          <Button
            variant="secondary"
            size="sm"
            onClick={() => setSlots([...slots, { name: "", type: measureTypes[0] ?? "temperature" }])}
          >
            + Slot
          </Button>
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Metadata fields</legend>
          {meta.map((f, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows being edited have no identity yet
            <div key={i} className="flex items-center gap-2">
              <Input
                aria-label={`Field ${i + 1} name`}
                value={f.field}
                onChange={(e) => setMeta(meta.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)))}
              />
              <Select
                aria-label={`Field ${i + 1} type`}
                value={f.type}
                onChange={(e) => setMeta(meta.map((x, j) => (j === i ? { ...x, type: e.target.value as MetadataType } : x)))}
              >
                {METADATA_TYPES.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
              <label className="flex items-center gap-1 text-xs">
                <input
                  type="checkbox"
                  checked={f.required}
                  onChange={(e) => setMeta(meta.map((x, j) => (j === i ? { ...x, required: e.target.checked } : x)))}
                />
                required
              </label>
              <Button
                variant="ghost"
                aria-label={`Remove field ${i + 1}`}
                onClick={() => setMeta(meta.filter((_, j) => j !== i))}
              >
                ×
              </Button>
            </div>
          ))}
          <Button
            variant="secondary"
            size="sm"
            onClick={() => setMeta([...meta, { field: "", type: "keyword", required: false }])}
          >
            + Field
          </Button>
        </fieldset>
        <FormActions submitLabel={m ? "Save model" : "Create model"} pending={active.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
