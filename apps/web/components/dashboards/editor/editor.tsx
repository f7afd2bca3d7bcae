"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Card, Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";
import { DeleteDashboard } from "../delete-dashboard";
import { WidgetFrame } from "../grid";
import { viewContext } from "../context";
import { VariablePicker } from "../pickers";
import { type Dashboard, type DashboardDoc, nextWidgetId, type Picked, toDoc, type Widget } from "../types";
import { startingWidget, WidgetBody } from "../widgets";
import { DashboardSettings } from "./dashboard-settings";
import { LayoutGrid } from "./layout-grid";
import { useLeaveGuard } from "./leave-guard";
import { clampPlace, columnsOf, type GridMode, placesOf, withoutSmallPlaces, withPlaces } from "./places";
import { VariablesEditor } from "./variables-editor";
import { WidgetPanel } from "./widget-panel";

/** Server paths name the document's fields, sometimes under the input's key. */
const normalize = (errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).map(([p, m]) => [p.replace(/^(patch|dashboard|file)\./, ""), m]));

/** The dashboard's document edited in memory, with undo, until saved whole. */
export function DashboardEditor({ dashboard }: { dashboard: Dashboard }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const types = useQuery(trpc.dashboards.widgetTypes.queryOptions());
  const [saved, setSaved] = useState<DashboardDoc>(() => toDoc(dashboard));
  const [version, setVersion] = useState(dashboard.version);
  const [doc, setDoc] = useState<DashboardDoc>(saved);
  const [history, setHistory] = useState<DashboardDoc[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [mode, setMode] = useState<GridMode>("large");
  const [now] = useState(() => Date.now());
  const [preview, setPreview] = useState<Picked>({});
  const dirty = JSON.stringify(doc) !== JSON.stringify(saved);
  const { leaving, leave, stay, go } = useLeaveGuard(dirty, `/dashboards/${dashboard.id}`);

  const change = (next: DashboardDoc) => {
    setHistory((h) => [...h.slice(-99), doc]);
    setDoc(next);
  };
  const undo = () => {
    const previous = history.at(-1);
    if (!previous) return;
    setHistory((h) => h.slice(0, -1));
    setDoc(previous);
  };
  const setWidget = (wid: string, patch: Partial<Widget>) =>
    change({ ...doc, widgets: doc.widgets.map((w) => (w.id === wid ? { ...w, ...patch } : w)) });

  const save = useMutation(
    trpc.dashboards.update.mutationOptions({
      onSuccess: async (d) => {
        const next = toDoc(d);
        setSaved(next);
        setDoc(next);
        setVersion(d.version);
        await queryClient.invalidateQueries({ queryKey: trpc.dashboards.pathKey() });
      },
    }),
  );
  const errors = normalize(fieldErrors(save.error));

  const addWidget = (type: string) => {
    const y = doc.widgets.reduce((m, w) => Math.max(m, w.layout.y + w.layout.h), 0);
    const wid = nextWidgetId(doc.widgets, type);
    const { settings, size } = startingWidget(type, doc.variables);
    change({ ...doc, widgets: [...doc.widgets, { id: wid, type, title: "", settings, layout: { x: 0, y, ...size } }] });
    setSelected(wid);
    setAdding(false);
  };

  const places = placesOf(doc.widgets, mode);
  const current = doc.widgets.find((w) => w.id === selected);
  const currentIndex = doc.widgets.findIndex((w) => w.id === selected);
  const widgetErrors = (i: number) =>
    Object.entries(errors).filter(([p]) => p === `widgets.${i}` || p.startsWith(`widgets.${i}.`));
  // widgets draw as in the view, over the variables' defaults or the twins picked here to preview
  const ctx = { ...viewContext(doc, { range: null, picked: preview, pinned: {}, now }), live: false, every: false as const };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="min-w-48 flex-1 truncate text-lg font-semibold">{doc.title || "Untitled"}</h1>
        <Button variant="secondary" data-testid="dashboard-settings-open" onClick={() => setSelected(null)}>
          Dashboard settings
        </Button>
        <Button variant="secondary" data-testid="dashboard-undo" disabled={!history.length} onClick={undo}>
          Undo
        </Button>
        <Button variant="secondary" onClick={() => leave(`/dashboards/${dashboard.id}`)}>
          {dirty ? "Close" : "View"}
        </Button>
        <DeleteDashboard variant="secondary" size="md" dashboard={dashboard} onDeleted={() => router.push("/dashboards")} />
        <Button
          data-testid="dashboard-save"
          disabled={save.isPending || !dirty}
          onClick={() => save.mutate({ id: dashboard.id, expectedVersion: version, patch: { ...doc } })}
        >
          {save.isPending ? "Saving…" : dirty ? "Save" : "Saved"}
        </Button>
      </div>
      {save.error && <Notice>{errorMessage(save.error)}</Notice>}
      {save.isSuccess && !dirty && <Notice tone="success">Saved (version {version}).</Notice>}

      <VariablesEditor variables={doc.variables} errors={errors} onChange={(variables) => change({ ...doc, variables })} />

      <div className="flex flex-wrap items-center gap-2">
        <Button data-testid="widget-add" onClick={() => setAdding(!adding)}>
          Add a widget
        </Button>
        {adding &&
          (types.data ?? []).map((t) => (
            <Button
              key={t.type}
              size="sm"
              variant="secondary"
              data-testid={`widget-type-${t.type}`}
              onClick={() => addWidget(t.type)}
            >
              {t.label}
            </Button>
          ))}
        {doc.variables.length > 0 && (
          <div className="flex flex-wrap items-center gap-2" data-testid="editor-preview">
            <span className="text-xs text-zinc-500">Preview with</span>
            {doc.variables.map((v) => (
              <VariablePicker
                key={v.name}
                variable={v}
                value={ctx.picked[v.name]}
                onChange={(t) => setPreview((p) => ({ ...p, [v.name]: t }))}
              />
            ))}
          </div>
        )}
        <label className="ml-auto flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            role="switch"
            aria-checked={mode === "small"}
            data-testid="layout-small"
            checked={mode === "small"}
            onChange={(e) => setMode(e.target.checked ? "small" : "large")}
          />
          Small screens
        </label>
        {mode === "small" && doc.widgets.some((w) => w.smallLayout) && (
          <Button size="sm" variant="ghost" data-testid="layout-small-reset" onClick={() => change(withoutSmallPlaces(doc))}>
            Stack again
          </Button>
        )}
      </div>

      <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
        <div className="min-w-0">
          {doc.widgets.length === 0 ? (
            <Notice tone="info">No widget yet: add one.</Notice>
          ) : (
            <div className={mode === "small" ? "max-w-sm" : ""}>
              {mode === "small" && (
                <p className="mb-2 text-xs text-zinc-500">
                  Below 768px wide, on 4 columns. A widget not placed here is stacked full width in order.
                </p>
              )}
              <LayoutGrid
                key={mode}
                columns={columnsOf(mode)}
                onMove={(moved) => change(withPlaces(doc, mode, moved))}
                items={doc.widgets.map((w, i) => {
                  const problems = widgetErrors(i);
                  return {
                    id: w.id,
                    place: places.get(w.id) ?? w.layout,
                    node: (
                      <WidgetFrame
                        widget={w}
                        selected={w.id === selected}
                        onSelect={() => setSelected(w.id)}
                        footer={
                          problems.length > 0 && (
                            <p
                              className="truncate text-xs text-red-600"
                              role="alert"
                              title={problems.map(([p, m]) => `${p}: ${m}`).join("\n")}
                            >
                              {problems.length} problem{problems.length > 1 ? "s" : ""}: {problems[0]?.[1]}
                            </p>
                          )
                        }
                      >
                        <WidgetBody widget={w} ctx={ctx} />
                      </WidgetFrame>
                    ),
                  };
                })}
              />
            </div>
          )}
        </div>
        <Card className="h-fit p-4">
          {current ? (
            <WidgetPanel
              widget={current}
              index={currentIndex}
              place={places.get(current.id) ?? current.layout}
              mode={mode}
              type={types.data?.find((t) => t.type === current.type)}
              errors={errors}
              variables={doc.variables}
              onChange={(patch) => setWidget(current.id, patch)}
              onPlace={(p) => change(withPlaces(doc, mode, new Map([[current.id, clampPlace(p, columnsOf(mode))]])))}
              onRemove={() => {
                change({ ...doc, widgets: doc.widgets.filter((w) => w.id !== current.id) });
                setSelected(null);
              }}
            />
          ) : (
            <DashboardSettings doc={doc} errors={errors} onChange={(patch) => change({ ...doc, ...patch })} />
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={leaving !== null}
        title="Leave without saving?"
        confirmLabel="Leave"
        pending={false}
        error={null}
        onCancel={stay}
        onConfirm={() => {
          setSaved(doc);
          go();
        }}
      >
        Your changes to this dashboard are not saved.
      </ConfirmDialog>
    </div>
  );
}
