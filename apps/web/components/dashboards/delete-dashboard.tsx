"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** A Delete button that asks first; the server may still refuse (your profiles may not change it). */
export function DeleteDashboard({
  dashboard,
  onDeleted,
  variant = "ghost",
  size = "sm",
}: {
  dashboard: { id: string; title: string };
  onDeleted?: () => void;
  variant?: "ghost" | "secondary";
  size?: "sm" | "md";
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation(
    trpc.dashboards.delete.mutationOptions({
      onSuccess: async () => {
        setAsking(false);
        onDeleted?.();
        // only the list: refetching the deleted one would flash "not found" on the page being left
        await queryClient.invalidateQueries({ queryKey: trpc.dashboards.list.pathKey() });
      },
    }),
  );
  return (
    <>
      <Button
        size={size}
        variant={variant}
        data-testid="dashboard-delete"
        onClick={() => {
          remove.reset();
          setAsking(true);
        }}
      >
        Delete
      </Button>
      <ConfirmDialog
        open={asking}
        title={`Delete “${dashboard.title}”?`}
        confirmLabel="Delete"
        pending={remove.isPending}
        error={errorMessage(remove.error)}
        onCancel={() => setAsking(false)}
        onConfirm={() => remove.mutate({ id: dashboard.id })}
      >
        The dashboard is gone for every member of the tenant, and from the pages of the assets it is bound to.
      </ConfirmDialog>
    </>
  );
}
