"use client";
import { useMutation } from "@tanstack/react-query";
import { Badge } from "@/components/ui/surface";
import { errorMessage, useTRPC } from "@/lib/trpc";

/** A member's profiles as chips: remove one with ×, add one from the group's list. */
export function ProfileEditor({
  user,
  tenantId,
  profiles,
  available,
  canManage,
  onChanged,
}: {
  user: { id: string; email: string };
  tenantId: string;
  profiles: string[];
  available: string[];
  canManage: boolean;
  onChanged: () => void;
}) {
  const trpc = useTRPC();
  const add = useMutation(trpc.users.addProfile.mutationOptions({ onSuccess: onChanged }));
  const remove = useMutation(trpc.users.removeProfile.mutationOptions({ onSuccess: onChanged }));
  const missing = available.filter((p) => !profiles.includes(p));
  const error = add.error ?? remove.error;
  return (
    <div className="flex flex-wrap items-center gap-1">
      {profiles.map((p) => (
        <Badge key={p} tone="accent">
          {p}
          {canManage && (
            <button
              type="button"
              className="ml-1 rounded hover:text-red-600"
              aria-label={`Remove profile ${p} from ${user.email}`}
              onClick={() => remove.mutate({ userId: user.id, profile: p, tenantId })}
            >
              ×
            </button>
          )}
        </Badge>
      ))}
      {canManage && missing.length > 0 && (
        <select
          aria-label={`Add a profile to ${user.email}`}
          value=""
          onChange={(e) => e.target.value && add.mutate({ userId: user.id, profile: e.target.value, tenantId })}
          className="rounded border border-dashed border-zinc-300 bg-transparent px-1 py-0.5 text-xs dark:border-zinc-700"
        >
          <option value="">+ profile</option>
          {missing.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      )}
      {error && <span className="text-xs text-red-600">{errorMessage(error)}</span>}
    </div>
  );
}
