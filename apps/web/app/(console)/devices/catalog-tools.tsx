"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { Card, Notice } from "@/components/ui/surface";
import { CsvUpload } from "@/components/twins/csv-upload";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

/** Provisioning for platform admins: one device by hand, or many from a CSV file. */
export function CatalogTools({ models, tenants }: { models: string[]; tenants: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.devices.pathKey() });
  const create = useMutation(trpc.devices.create.mutationOptions({ onSuccess: refresh }));
  const [model, setModel] = useState("");
  const [reference, setReference] = useState("");
  const [tenantId, setTenantId] = useState("");
  const fields = fieldErrors(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      { model: model || models[0] || "", reference, tenantId: tenantId || null },
      { onSuccess: () => setReference("") },
    );
  }

  return (
    <div className="mb-6 grid gap-4 lg:grid-cols-2">
      <Card className="p-5">
        <h2 className="mb-3 text-sm font-semibold">Provision a device</h2>
        <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3 sm:items-start" noValidate>
          <Field label="Model" error={fields.model}>
            {(p) => (
              <Select {...p} value={model || models[0] || ""} onChange={(e) => setModel(e.target.value)}>
                <Options items={models} />
              </Select>
            )}
          </Field>
          <Field label="Reference" error={fields.reference}>
            {(p) => (
              <Input
                {...p}
                value={reference}
                onChange={(e) => setReference(e.target.value)}
                placeholder="e.g. 70B3D57ED0001234"
              />
            )}
          </Field>
          <Field label="Tenant" error={fields.tenantId}>
            {(p) => (
              <Select {...p} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
                <option value="">None (orphan)</option>
                <Options items={tenants.map((t) => ({ value: t.id, label: t.name }))} />
              </Select>
            )}
          </Field>
          <div className="sm:col-span-3 flex items-center justify-end gap-3">
            {create.error && !Object.keys(fields).length && <Notice>{errorMessage(create.error)}</Notice>}
            {create.isSuccess && <span className="text-sm text-emerald-600">Provisioned.</span>}
            <Button type="submit" disabled={create.isPending || !models.length}>
              Provision
            </Button>
          </div>
        </form>
      </Card>
      <Card className="p-5">
        <h2 className="mb-3 text-sm font-semibold">Import devices from CSV</h2>
        <CsvUpload kind="devices" columnsHint="model,reference[,tenant][,metadata.<field>…]" onImported={refresh} />
      </Card>
    </div>
  );
}
