"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Card, EmptyState, Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

interface Group {
  id: string;
  name: string;
  parentId: string | null;
  assets: number;
}

/** The tenant's asset groups as a tree: add a child, rename, move to the top, delete. */
export default function AssetGroupsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("assets:write"));
  const groups = useQuery({ ...trpc.assetGroups.search.queryOptions({ limit: 1000 }), enabled: Boolean(me.data?.currentTenant) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.assetGroups.pathKey() });
  const create = useMutation(trpc.assetGroups.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.assetGroups.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.assetGroups.delete.mutationOptions({ onSuccess: refresh }));
  const [name, setName] = useState("");
  const error = create.error ?? update.error ?? remove.error;

  if (me.data && !me.data.currentTenant) return <Notice tone="info">Pick a tenant at the top to see its asset groups.</Notice>;
  const all = groups.data?.items ?? [];
  const children = (parentId: string | null) => all.filter((g) => g.parentId === parentId);

  const actions: GroupActions = {
    addChild: (parent) => {
      const child = window.prompt(`New group inside ${parent.name}`);
      if (child) create.mutate({ name: child, parentId: parent.id });
    },
    rename: (group) => {
      const renamed = window.prompt("Rename group", group.name);
      if (renamed) update.mutate({ id: group.id, name: renamed });
    },
    moveToTop: (group) => update.mutate({ id: group.id, parentId: null }),
    remove: (group) => remove.mutate({ id: group.id }),
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name }, { onSuccess: () => setName("") });
  }

  return (
    <>
      <PageHeader
        title="Asset groups"
        description="Organise assets in a hierarchy: sites, floors, fleets… An asset may be in several groups."
      />
      {canWrite && (
        <Card className="mb-4 p-4">
          <form onSubmit={submit} className="flex gap-2">
            <Input
              aria-label="New group name"
              placeholder="New top-level group"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <Button type="submit" disabled={!name || create.isPending}>
              Add group
            </Button>
          </form>
        </Card>
      )}
      {error && <Notice>{errorMessage(error)}</Notice>}
      <Card className="p-4">
        {all.length === 0 ? (
          <EmptyState title="No groups yet" />
        ) : (
          <ul aria-label="Asset groups" className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {children(null).map((g) => (
              <GroupNode key={g.id} group={g} depth={0} all={all} actions={canWrite ? actions : null} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

interface GroupActions {
  addChild: (g: Group) => void;
  rename: (g: Group) => void;
  moveToTop: (g: Group) => void;
  remove: (g: Group) => void;
}

function GroupNode({ group, depth, all, actions }: { group: Group; depth: number; all: Group[]; actions: GroupActions | null }) {
  const kids = all.filter((g) => g.parentId === group.id);
  return (
    <li>
      <div className="flex flex-wrap items-center gap-2 py-1.5" style={{ paddingLeft: `${depth * 1.25}rem` }}>
        <span className="font-medium">{group.name}</span>
        <span className="text-xs text-zinc-500">{group.assets} asset(s)</span>
        {actions && (
          <span className="ml-auto flex gap-1">
            <Button variant="ghost" size="sm" onClick={() => actions.addChild(group)}>
              Add child
            </Button>
            <Button variant="ghost" size="sm" onClick={() => actions.rename(group)}>
              Rename
            </Button>
            {group.parentId && (
              <Button variant="ghost" size="sm" onClick={() => actions.moveToTop(group)}>
                Move to top
              </Button>
            )}
            <Button variant="ghost" size="sm" onClick={() => actions.remove(group)}>
              Delete
            </Button>
          </span>
        )}
      </div>
      {kids.length > 0 && (
        <ul>
          {kids.map((c) => (
            <GroupNode key={c.id} group={c} depth={depth + 1} all={all} actions={actions} />
          ))}
        </ul>
      )}
    </li>
  );
}
