"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, FormActions } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

type Editing = { mode: "create" } | { mode: "edit"; id: string; name: string } | null;

export default function TenantsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const list = useQuery(trpc.tenants.list.queryOptions({ query: query || undefined, limit: 100 }));
  const groups = useQuery(trpc.tenants.listGroups.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tenants.pathKey() });
  const remove = useMutation(
    trpc.tenants.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        refresh();
      },
    }),
  );

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Each tenant is a customer with its own isolated data, users and resources."
        actions={<Button onClick={() => setEditing({ mode: "create" })}>New tenant</Button>}
      />
      <Card>
        <Toolbar>
          <Input
            type="search"
            placeholder="Search tenants"
            aria-label="Search tenants"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="max-w-xs"
          />
        </Toolbar>
        {list.error && <Notice>{errorMessage(list.error)}</Notice>}
        {list.data?.items.length === 0 ? (
          <EmptyState title="No tenants yet">Create the first one to give a customer its space.</EmptyState>
        ) : (
          <Table label="Tenants" head={["Name", "Group", "Members", "Created", ""]}>
            {list.data?.items.map((t) => (
              <tr key={t.id}>
                <Cell className="font-medium">{t.name}</Cell>
                <Cell>
                  <Badge>{t.group}</Badge>
                </Cell>
                <Cell>{t.members}</Cell>
                <Cell className="text-zinc-500">{t.createdAt.toLocaleDateString()}</Cell>
                <Cell className="text-right whitespace-nowrap">
                  <Button variant="ghost" size="sm" onClick={() => setEditing({ mode: "edit", id: t.id, name: t.name })}>
                    Rename
                  </Button>
                  <Button variant="ghost" size="sm" onClick={() => setDeleting({ id: t.id, name: t.name })}>
                    Delete
                  </Button>
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {editing && (
        <TenantForm
          key={editing.mode === "edit" ? editing.id : "new"}
          editing={editing}
          groups={groups.data ?? []}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name}?`}
        confirmLabel="Delete tenant"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onCancel={() => setDeleting(null)}
      >
        Its members lose access and every module removes the tenant's resources. Its devices go back to the catalog.
      </ConfirmDialog>
    </>
  );
}

function TenantForm({
  editing,
  groups,
  onDone,
  onCancel,
}: {
  editing: NonNullable<Editing>;
  groups: { name: string; label: string; description: string }[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const create = useMutation(trpc.tenants.create.mutationOptions({ onSuccess: onDone }));
  const update = useMutation(trpc.tenants.update.mutationOptions({ onSuccess: onDone }));
  const [name, setName] = useState(editing.mode === "edit" ? editing.name : "");
  const [group, setGroup] = useState("commons");
  const active = editing.mode === "edit" ? update : create;
  const fields = fieldErrors(active.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (editing.mode === "edit") update.mutate({ id: editing.id, name });
    else create.mutate({ name, group });
  }

  return (
    <Dialog open onClose={onCancel} title={editing.mode === "edit" ? "Rename tenant" : "New tenant"}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {active.error && !Object.keys(fields).length && <Notice>{errorMessage(active.error)}</Notice>}
        <Field label="Name" error={fields.name}>
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
        </Field>
        {editing.mode !== "edit" && (
          <Field label="Group" error={fields.group} hint={groups.find((g) => g.name === group)?.description}>
            {(p) => (
              <Select {...p} value={group} onChange={(e) => setGroup(e.target.value)}>
                {groups.map((g) => (
                  <option key={g.name} value={g.name}>
                    {g.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        <FormActions
          submitLabel={editing.mode === "edit" ? "Save" : "Create tenant"}
          pending={active.isPending}
          onCancel={onCancel}
        />
      </form>
    </Dialog>
  );
}
