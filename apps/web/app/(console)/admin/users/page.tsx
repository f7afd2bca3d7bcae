"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Input } from "@/components/ui/field";
import { Badge, Card, EmptyState, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { type EditedUser, UserForm } from "./user-form";
import { ProfileEditor } from "./profile-editor";

export default function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<EditedUser | "new" | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; email: string } | null>(null);
  const me = useQuery(trpc.auth.me.queryOptions());
  const tenant = me.data?.currentTenant ?? null;
  const canManage = tenant ? tenant.permissions.includes("users:manage") : Boolean(me.data?.user.isPlatformAdmin);
  const list = useQuery(trpc.users.search.queryOptions({ query: query || undefined, limit: 100 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        refresh();
      },
    }),
  );

  return (
    <>
      <PageHeader
        title="Users"
        description={tenant ? `Members of ${tenant.name} and their profiles.` : "Every user of the platform."}
        actions={canManage && <Button onClick={() => setEditing("new")}>New user</Button>}
      />
      <Card>
        <Toolbar>
          <Input
            type="search"
            placeholder="Search by name or email"
            aria-label="Search users"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="max-w-xs"
          />
        </Toolbar>
        {list.error && <Notice>{errorMessage(list.error)}</Notice>}
        {list.data?.items.length === 0 ? (
          <EmptyState title="No users found" />
        ) : (
          <Table label="Users" head={["Name", "Email", tenant ? "Profiles" : "Tenants", ""]}>
            {list.data?.items.map((u) => (
              <tr key={u.id}>
                <Cell className="font-medium">
                  {u.name} {u.isPlatformAdmin && <Badge tone="amber">platform admin</Badge>}
                </Cell>
                <Cell className="text-zinc-600 dark:text-zinc-400">{u.email}</Cell>
                <Cell>
                  {tenant ? (
                    <ProfileEditor
                      user={u}
                      tenantId={tenant.id}
                      available={tenant.groupProfiles}
                      profiles={u.memberships.find((m) => m.tenantId === tenant.id)?.profiles ?? []}
                      canManage={canManage}
                      onChanged={refresh}
                    />
                  ) : (
                    <span className="flex flex-wrap gap-1">
                      {u.memberships.map((m) => (
                        <Badge key={m.tenantId}>
                          {m.tenantName}: {m.profiles.join(", ")}
                        </Badge>
                      ))}
                    </span>
                  )}
                </Cell>
                <Cell className="text-right whitespace-nowrap">
                  {canManage && (
                    <>
                      <Button variant="ghost" size="sm" onClick={() => setEditing(u)}>
                        Edit
                      </Button>
                      {u.id !== me.data?.user.id && (
                        <Button variant="ghost" size="sm" onClick={() => setDeleting(u)}>
                          {tenant ? "Remove" : "Delete"}
                        </Button>
                      )}
                    </>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {editing && (
        <UserForm
          key={editing === "new" ? "new" : editing.id}
          user={editing === "new" ? null : editing}
          tenant={tenant}
          isPlatformAdmin={Boolean(me.data?.user.isPlatformAdmin)}
          onDone={() => {
            setEditing(null);
            refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`${tenant ? "Remove" : "Delete"} ${deleting?.email}?`}
        confirmLabel={tenant ? "Remove" : "Delete"}
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onCancel={() => setDeleting(null)}
      >
        {tenant
          ? "They lose access to this tenant. An account that belongs to no other tenant is deleted."
          : "The account, its sessions and its API keys are deleted."}
      </ConfirmDialog>
    </>
  );
}
