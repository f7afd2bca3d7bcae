"use client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormActions } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

export interface EditedUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

/** Creates a user (with profiles in the current tenant) or edits one; server errors land on their field. */
export function UserForm({
  user,
  tenant,
  isPlatformAdmin,
  onDone,
  onCancel,
}: {
  user: EditedUser | null;
  tenant: { id: string; groupProfiles: string[] } | null;
  isPlatformAdmin: boolean;
  onDone: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: onDone }));
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: onDone }));
  const active = user ? update : create;
  const fields = fieldErrors(active.error);
  const [email, setEmail] = useState(user?.email ?? "");
  const [name, setName] = useState(user?.name ?? "");
  const [password, setPassword] = useState("");
  const [profiles, setProfiles] = useState<string[]>(["viewer"]);
  const [platformAdmin, setPlatformAdmin] = useState(user?.isPlatformAdmin ?? false);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (user) {
      update.mutate({
        id: user.id,
        email: email !== user.email ? email : undefined,
        name: name !== user.name ? name : undefined,
        password: password || undefined,
        isPlatformAdmin: !tenant && isPlatformAdmin && platformAdmin !== user.isPlatformAdmin ? platformAdmin : undefined,
      });
    } else {
      create.mutate({ email, name, password, profiles: tenant ? profiles : [], isPlatformAdmin: !tenant && platformAdmin });
    }
  }

  return (
    <Dialog open onClose={onCancel} title={user ? `Edit ${user.email}` : "New user"}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {active.error && !Object.keys(fields).length && <Notice>{errorMessage(active.error)}</Notice>}
        <Field label="Name" error={fields.name}>
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
        </Field>
        <Field label="Email" error={fields.email}>
          {(p) => <Input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field
          label={user ? "New password" : "Password"}
          error={fields.password}
          hint={user ? "Leave empty to keep the current one. At least 10 characters." : "At least 10 characters."}
        >
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        {!user && tenant && (
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-zinc-700 dark:text-zinc-300">Profiles</legend>
            <div className="flex flex-wrap gap-3">
              {tenant.groupProfiles.map((p) => (
                <label key={p} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={profiles.includes(p)}
                    onChange={(e) => setProfiles(e.target.checked ? [...profiles, p] : profiles.filter((x) => x !== p))}
                  />
                  {p}
                </label>
              ))}
            </div>
            {fields.profiles && (
              <p className="mt-1 text-xs text-red-600" role="alert">
                {fields.profiles}
              </p>
            )}
          </fieldset>
        )}
        {!tenant && isPlatformAdmin && (
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={platformAdmin} onChange={(e) => setPlatformAdmin(e.target.checked)} />
            Platform administrator
          </label>
        )}
        <FormActions submitLabel={user ? "Save" : "Create user"} pending={active.isPending} onCancel={onCancel} />
      </form>
    </Dialog>
  );
}
