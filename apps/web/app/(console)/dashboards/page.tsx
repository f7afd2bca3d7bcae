"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { DeleteDashboard } from "@/components/dashboards/delete-dashboard";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { Card, EmptyState, Notice, PageHeader } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { errorMessage, useTRPC, useTRPCClient } from "@/lib/trpc";

type Issue = { path: string; message: string };
const issuesOf = (error: unknown): Issue[] => (error as { data?: { issues?: Issue[] | null } } | null)?.data?.issues ?? [];

/** The dashboards you may see: open, export, import, create. */
export default function DashboardsPage() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("dashboards:write"));
  const list = useQuery(trpc.dashboards.list.queryOptions({}));
  const [creating, setCreating] = useState(false);
  const [title, setTitle] = useState("");
  const [exportError, setExportError] = useState<string | null>(null);
  const create = useMutation(
    trpc.dashboards.create.mutationOptions({
      onSuccess: async (d) => {
        await queryClient.invalidateQueries({ queryKey: trpc.dashboards.pathKey() });
        router.push(`/dashboards/${d.id}/edit`);
      },
    }),
  );
  const importing = useMutation(
    trpc.dashboards.import.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.dashboards.pathKey() }),
    }),
  );
  const [parseError, setParseError] = useState<string | null>(null);
  const items = list.data ?? [];

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    setParseError(null);
    importing.reset();
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (e) {
      setParseError(`${file.name} is not JSON: ${(e as Error).message}`);
      return;
    }
    importing.mutate({ file: parsed });
  };

  const onExport = async (id: string, name: string) => {
    setExportError(null);
    try {
      const data = await client.dashboards.export.query({ id });
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `${name.replace(/[^A-Za-z0-9_-]+/g, "-").toLowerCase() || "dashboard"}.json`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      setExportError(errorMessage(e));
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ title });
  };

  return (
    <>
      <PageHeader
        title="Dashboards"
        description="Charts, values, tables and alerts of your twins, laid out on a grid."
        actions={
          canWrite && (
            <>
              <label className="inline-flex h-9 cursor-pointer items-center rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800">
                Import
                <input
                  type="file"
                  accept="application/json,.json"
                  className="sr-only"
                  data-testid="dashboard-import-file"
                  onChange={(e) => {
                    void onImport(e.target.files?.[0]);
                    e.target.value = "";
                  }}
                />
              </label>
              <Button data-testid="dashboard-new" onClick={() => setCreating(true)}>
                New dashboard
              </Button>
            </>
          )
        }
      />
      {(parseError || importing.error) && (
        <div className="mb-4">
          <Notice>
            {parseError ?? errorMessage(importing.error)}
            {issuesOf(importing.error).length > 0 && (
              <ul className="mt-1 list-disc pl-5" data-testid="import-issues">
                {issuesOf(importing.error).map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <code>{i.path}</code>: {i.message}
                  </li>
                ))}
              </ul>
            )}
          </Notice>
        </div>
      )}
      {importing.isSuccess && (
        <div className="mb-4">
          <Notice tone="success">
            Imported “{importing.data.title}”. <Link href={`/dashboards/${importing.data.id}`}>Open it</Link>
          </Notice>
        </div>
      )}
      {exportError && (
        <div className="mb-4">
          <Notice>{exportError}</Notice>
        </div>
      )}
      <Card>
        {list.error && <Notice>{errorMessage(list.error)}</Notice>}
        {items.length === 0 && !list.isLoading ? (
          <EmptyState title="No dashboard yet">{canWrite ? "Create one with “New dashboard”." : null}</EmptyState>
        ) : (
          <Table label="Dashboards" head={["Title", "Widgets", "Bound to", ""]}>
            {items.map((d) => (
              <tr key={d.id} data-testid="dashboard-row">
                <Cell>
                  <Link href={`/dashboards/${d.id}`} className="font-medium text-accent-700 hover:underline dark:text-accent-100">
                    {d.title}
                  </Link>
                  {d.description && <p className="max-w-md truncate text-xs text-zinc-500">{d.description}</p>}
                </Cell>
                <Cell className="tabular-nums">{d.widgetCount}</Cell>
                <Cell className="font-mono text-xs">{d.assetModel ?? "—"}</Cell>
                <Cell className="text-right">
                  <span className="inline-flex gap-1">
                    {d.editable && (
                      <Link
                        href={`/dashboards/${d.id}/edit`}
                        className="inline-flex h-8 items-center rounded-md px-2.5 text-xs font-medium hover:bg-zinc-100 dark:hover:bg-zinc-800"
                      >
                        Edit
                      </Link>
                    )}
                    <Button size="sm" variant="ghost" data-testid="dashboard-export" onClick={() => void onExport(d.id, d.title)}>
                      Export
                    </Button>
                    {d.editable && <DeleteDashboard dashboard={d} />}
                  </span>
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      <Dialog open={creating} onClose={() => setCreating(false)} title="New dashboard">
        <form onSubmit={submit} className="space-y-4">
          <Field label="Title" error={issuesOf(create.error).find((i) => i.path === "title")?.message}>
            {(props) => (
              <Input {...props} value={title} onChange={(e) => setTitle(e.target.value)} data-testid="dashboard-title-input" />
            )}
          </Field>
          {create.error && !issuesOf(create.error).length && <Notice>{errorMessage(create.error)}</Notice>}
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setCreating(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending} data-testid="dashboard-create">
              Create and edit
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
