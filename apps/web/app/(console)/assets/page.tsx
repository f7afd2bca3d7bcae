"use client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormActions } from "@/components/ui/confirm-dialog";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { Card, EmptyState, ListFooter, Notice, PageHeader, Toolbar } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { CsvUpload } from "@/components/twins/csv-upload";
import { EMPTY_FILTER, FilterBuilder, toTwinFilter } from "@/components/twins/filter-builder";
import { formatWhen } from "@/components/twins/status-badge";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

type SortField = "reference" | "model" | "lastSeenAt" | "createdAt";

export default function AssetsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const canWrite = Boolean(me.data?.currentTenant?.permissions.includes("assets:write"));
  const [filter, setFilter] = useState(EMPTY_FILTER);
  const [sort, setSort] = useState<{ field: SortField; order: "asc" | "desc" }>({ field: "reference", order: "asc" });
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const models = useQuery(trpc.models.listAssets.queryOptions({}));
  const input = { filter: toTwinFilter(filter), sort, limit: 50, withTotal: true };
  const pages = useInfiniteQuery(
    trpc.assets.search.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
  );
  const assets = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.assets.pathKey() });
  const fields = [...new Set((models.data ?? []).flatMap((m) => Object.keys(m.metadataMappings)))];

  if (!me.data?.currentTenant && me.data) return <Notice tone="info">Pick a tenant at the top to see its assets.</Notice>;

  return (
    <>
      <PageHeader
        title="Assets"
        description="What this tenant looks after: rooms, containers, machines… fed by linked devices."
        actions={
          canWrite && (
            <>
              <Button variant="secondary" onClick={() => setImporting(!importing)}>
                Import CSV
              </Button>
              <Button onClick={() => setCreating(true)}>New asset</Button>
            </>
          )
        }
      />
      {importing && (
        <Card className="mb-6 p-5">
          <CsvUpload kind="assets" columnsHint="model,reference[,metadata.<field>…]" onImported={refresh} />
        </Card>
      )}
      <Card>
        <Toolbar>
          <FilterBuilder state={filter} onChange={setFilter} models={models.data?.map((m) => m.model) ?? []} fields={fields} />
          <Select
            aria-label="Sort"
            value={`${sort.field}:${sort.order}`}
            onChange={(e) => {
              const [field, order] = e.target.value.split(":") as [SortField, "asc" | "desc"];
              setSort({ field, order });
            }}
            className="max-w-[14rem]"
          >
            <option value="reference:asc">Reference A→Z</option>
            <option value="reference:desc">Reference Z→A</option>
            <option value="lastSeenAt:desc">Recently seen first</option>
            <option value="createdAt:desc">Newest first</option>
            <option value="model:asc">Model</option>
          </Select>
        </Toolbar>
        {pages.error && <Notice>{errorMessage(pages.error)}</Notice>}
        {assets.length === 0 && !pages.isLoading ? (
          <EmptyState title="No assets match" />
        ) : (
          <Table label="Assets" head={["Reference", "Model", "Metadata", "Last seen"]}>
            {assets.map((a) => (
              <tr key={a.id}>
                <Cell className="font-medium">
                  <Link href={`/assets/${a.id}`} className="text-accent-700 hover:underline dark:text-accent-100">
                    {a.reference}
                  </Link>
                </Cell>
                <Cell>{a.model}</Cell>
                <Cell className="max-w-[24rem] truncate text-xs text-zinc-500">
                  {Object.entries(a.metadata)
                    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
                    .join(" · ")}
                </Cell>
                <Cell className="text-zinc-500">{formatWhen(a.lastSeenAt)}</Cell>
              </tr>
            ))}
          </Table>
        )}
        <ListFooter
          total={pages.data?.pages[0]?.total}
          capped={pages.data?.pages[0]?.totalCapped}
          noun="asset(s)"
          hasMore={pages.hasNextPage}
          loading={pages.isFetchingNextPage}
          onMore={() => pages.fetchNextPage()}
        />
      </Card>
      {creating && <NewAsset models={models.data?.map((m) => m.model) ?? []} onClose={() => setCreating(false)} />}
    </>
  );
}

function NewAsset({ models, onClose }: { models: string[]; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.assets.create.mutationOptions({ onSuccess: (a) => router.push(`/assets/${a.id}`) }));
  const [model, setModel] = useState(models[0] ?? "");
  const [reference, setReference] = useState("");
  const fields = fieldErrors(create.error);
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ model, reference });
  }
  return (
    <Dialog open onClose={onClose} title="New asset">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {create.error && !Object.keys(fields).length && <Notice>{errorMessage(create.error)}</Notice>}
        <Field label="Model" error={fields.model}>
          {(p) => (
            <Select {...p} value={model} onChange={(e) => setModel(e.target.value)}>
              <Options items={models} />
            </Select>
          )}
        </Field>
        <Field label="Reference" error={fields.reference}>
          {(p) => <Input {...p} value={reference} onChange={(e) => setReference(e.target.value)} autoFocus />}
        </Field>
        <FormActions submitLabel="Create asset" pending={create.isPending} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
