"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice, PageHeader } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

export default function AccountPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const keys = useQuery(trpc.auth.listApiKeys.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.listApiKeys.queryKey() });
  const create = useMutation(trpc.auth.createApiKey.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.auth.revokeApiKey.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState("");
  const [tenantId, setTenantId] = useState("");
  const fields = fieldErrors(create.error);
  const tenants = me.data?.tenants ?? [];

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name, tenantId: tenantId || null }, { onSuccess: () => setName("") });
  }

  return (
    <>
      <PageHeader title="API keys" description="Keys let programs call the API as you. Limit each to one tenant where you can." />
      <Card className="mb-6 p-5">
        <form onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start" noValidate>
          <Field label="Key name" error={fields.name}>
            {(p) => <Input {...p} placeholder="e.g. nightly export" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Limited to tenant" error={fields.tenantId}>
            {(p) => (
              <Select {...p} value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
                <option value="">
                  {me.data?.user.isPlatformAdmin ? "No limit (platform-wide)" : "No limit (all my tenants)"}
                </option>
                <Options items={tenants.map((t) => ({ value: t.id, label: t.name }))} />
              </Select>
            )}
          </Field>
          <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
            Create key
          </Button>
        </form>
        {create.error && !Object.keys(fields).length && <Notice>{errorMessage(create.error)}</Notice>}
        {create.data && (
          <div className="mt-4">
            <Notice tone="success">
              Copy the key now: it is shown only once.
              <code
                data-testid="new-api-key"
                className="mt-2 block break-all rounded bg-white/60 p-2 font-mono text-xs dark:bg-black/30"
              >
                {create.data.token}
              </code>
            </Notice>
          </div>
        )}
      </Card>
      <Card>
        {keys.data?.length === 0 ? (
          <EmptyState title="No API keys" />
        ) : (
          <Table label="API keys" head={["Name", "Key", "Tenant", "Last used", "Status", ""]}>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <Cell className="font-medium">{k.name}</Cell>
                <Cell className="font-mono text-xs">{k.prefix}…</Cell>
                <Cell>{k.tenantId ? (tenants.find((t) => t.id === k.tenantId)?.name ?? k.tenantId) : "—"}</Cell>
                <Cell className="text-zinc-500">{k.lastUsedAt ? k.lastUsedAt.toLocaleString() : "never"}</Cell>
                <Cell>{k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Cell>
                <Cell className="text-right">
                  {!k.revokedAt && (
                    <Button variant="ghost" size="sm" onClick={() => revoke.mutate({ id: k.id })} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </Button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
