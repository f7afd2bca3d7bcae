"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/surface";
import { Cell, Table } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc";
import { type EditedModel, ModelForm } from "./model-form";

export default function ModelsPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const isPlatform = Boolean(me.data?.user.isPlatformAdmin && !me.data.currentTenant);
  const devices = useQuery(trpc.models.listDevices.queryOptions());
  const assets = useQuery(trpc.models.listAssets.queryOptions({}));
  const types = useQuery(trpc.models.listMeasures.queryOptions());
  const [editing, setEditing] = useState<EditedModel | null>(null);

  const slots = (measures: { name: string; type: string }[]) => (
    <span className="flex flex-wrap gap-1">
      {measures.map((m) => (
        <Badge key={m.name}>
          {m.name}: {m.type}
        </Badge>
      ))}
    </span>
  );

  return (
    <>
      <PageHeader
        title="Models"
        description="Device models are shared by the platform; asset models belong to a tenant group."
        actions={
          isPlatform && (
            <>
              <Button variant="secondary" onClick={() => setEditing({ kind: "asset", model: null })}>
                New asset model
              </Button>
              <Button onClick={() => setEditing({ kind: "device", model: null })}>New device model</Button>
            </>
          )
        }
      />
      <div className="space-y-6">
        <Card>
          <h2 className="px-4 pt-4 text-sm font-semibold">Device models</h2>
          {devices.data?.length === 0 ? (
            <EmptyState title="No device models yet" />
          ) : (
            <Table label="Device models" head={["Model", "Measures", "Metadata", "Offline after", ""]}>
              {devices.data?.map((m) => (
                <tr key={m.model}>
                  <Cell className="font-medium">{m.model}</Cell>
                  <Cell>{slots(m.measures)}</Cell>
                  <Cell className="text-xs text-zinc-500">{Object.keys(m.metadataMappings).join(", ") || "—"}</Cell>
                  <Cell className="text-zinc-500">{Math.round(m.offlineAfterSeconds / 60)} min</Cell>
                  <Cell className="text-right">
                    {isPlatform && (
                      <Button variant="ghost" size="sm" onClick={() => setEditing({ kind: "device", model: m })}>
                        Edit
                      </Button>
                    )}
                  </Cell>
                </tr>
              ))}
            </Table>
          )}
        </Card>
        <Card>
          <h2 className="px-4 pt-4 text-sm font-semibold">Asset models</h2>
          <Table label="Asset models" head={["Model", "Group", "Slots", "Metadata", ""]}>
            {assets.data?.map((m) => (
              <tr key={`${m.tenantGroup}/${m.model}`}>
                <Cell className="font-medium">{m.model}</Cell>
                <Cell>
                  <Badge>{m.tenantGroup}</Badge>
                </Cell>
                <Cell>{slots(m.measures)}</Cell>
                <Cell className="text-xs text-zinc-500">{Object.keys(m.metadataMappings).join(", ") || "—"}</Cell>
                <Cell className="text-right">
                  {isPlatform && (
                    <Button variant="ghost" size="sm" onClick={() => setEditing({ kind: "asset", model: m })}>
                      Edit
                    </Button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        </Card>
        <Card>
          <h2 className="px-4 pt-4 text-sm font-semibold">Measure types</h2>
          <Table label="Measure types" head={["Type", "Values", "Label"]}>
            {types.data?.map((t) => (
              <tr key={t.name}>
                <Cell className="font-medium">
                  {t.name} {!t.builtin && <Badge tone="accent">custom</Badge>}
                </Cell>
                <Cell className="text-xs">
                  {Object.entries(t.fields)
                    .map(([k, f]) => `${k}: ${f.kind}${f.unit ? ` (${f.unit})` : ""}`)
                    .join(", ")}
                </Cell>
                <Cell className="text-zinc-500">
                  {t.labels.en}
                  {t.labels.fr ? ` / ${t.labels.fr}` : ""}
                </Cell>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
      {editing && (
        <ModelForm
          key={`${editing.kind}/${editing.model?.model ?? "new"}`}
          editing={editing}
          measureTypes={types.data?.map((t) => t.name) ?? []}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
