"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { draftOf } from "@/components/rules/draft";
import { RuleEditor } from "@/components/rules/rule-editor";
import { RunHistory } from "@/components/rules/run-history";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Badge, Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

export default function RulePage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const me = useQuery(trpc.auth.me.queryOptions());
  const rule = useQuery({ ...trpc.rules.get.queryOptions({ id }), staleTime: Number.POSITIVE_INFINITY });
  const tasks = useQuery(trpc.rules.listTasks.queryOptions());
  const triggers = useQuery(trpc.rules.listTriggers.queryOptions());
  const remove = useMutation(trpc.rules.delete.mutationOptions({ onSuccess: () => router.replace("/rules") }));
  const [deleting, setDeleting] = useState(false);
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("rules:write"));

  const error = rule.error ?? tasks.error ?? triggers.error;
  if (error) return <Notice>{errorMessage(error)}</Notice>;
  const r = rule.data;
  if (!r || !tasks.data || !triggers.data) return <p className="text-sm text-zinc-500">Loading…</p>;

  return (
    <>
      <PageHeader
        title={r.name}
        description={`Version ${r.version} · updated ${new Date(r.updatedAt).toLocaleString()}${r.fromDefault ? ` · from default ${r.fromDefault}` : ""}`}
        actions={
          <>
            <Badge tone={r.enabled ? "green" : "neutral"}>{r.enabled ? "enabled" : "disabled"}</Badge>
            {canWrite && (
              <Button variant="secondary" onClick={() => setDeleting(true)} data-testid="rule-delete">
                Delete
              </Button>
            )}
          </>
        }
      />
      <RuleEditor
        key={r.id}
        rule={r}
        initial={draftOf(r, tasks.data)}
        tasks={tasks.data}
        triggers={triggers.data}
        canWrite={canWrite}
      />
      <div className="mt-6">
        <RunHistory ruleId={r.id} />
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete rule ${r.name}?`}
        confirmLabel="Delete"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => remove.mutate({ id: r.id })}
        onCancel={() => setDeleting(false)}
      >
        Its run history goes with it; the alerts it raised stay.
      </ConfirmDialog>
    </>
  );
}
