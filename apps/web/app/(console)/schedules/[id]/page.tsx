"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { draftOf } from "@/components/schedules/draft";
import { ScheduleEditor } from "@/components/schedules/schedule-editor";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Badge, Notice, PageHeader } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

export default function SchedulePage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  // refetched for its last and next run; the form keeps what is being typed
  const schedule = useQuery({ ...trpc.schedules.get.queryOptions({ id }), refetchInterval: 10_000 });
  const remove = useMutation(
    trpc.schedules.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.schedules.list.pathKey() });
        router.replace("/schedules");
      },
    }),
  );
  const [deleting, setDeleting] = useState(false);
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("schedules:write"));

  if (schedule.error) return <Notice>{errorMessage(schedule.error)}</Notice>;
  const s = schedule.data;
  if (!s) return <p className="text-sm text-zinc-500">Loading…</p>;

  return (
    <>
      <PageHeader
        title={s.name}
        description={`Version ${s.version} · updated ${new Date(s.updatedAt).toLocaleString()}${s.fromDefault ? ` · from default ${s.fromDefault}` : ""}`}
        actions={
          <>
            <Badge tone={s.enabled ? "green" : "neutral"}>{s.enabled ? "enabled" : "disabled"}</Badge>
            {canWrite && (
              <Button variant="secondary" onClick={() => setDeleting(true)} data-testid="schedule-delete">
                Delete
              </Button>
            )}
          </>
        }
      />
      <ScheduleEditor key={s.id} schedule={s} initial={draftOf(s)} canWrite={canWrite} />
      <ConfirmDialog
        open={deleting}
        title={`Delete schedule ${s.name}?`}
        confirmLabel="Delete"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onConfirm={() => remove.mutate({ id: s.id })}
        onCancel={() => setDeleting(false)}
      >
        It stops running; a rule it runs stays.
      </ConfirmDialog>
    </>
  );
}
