"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { DashboardGrid, WidgetFrame } from "@/components/dashboards/grid";
import { SettingsForm } from "@/components/dashboards/settings-form";
import {
  type Dashboard,
  type DashboardDoc,
  defaultSettings,
  GRID_COLUMNS,
  nextWidgetId,
  type Place,
  RELATIVES,
  type Refresh,
  type Relative,
  rangeOf,
  toDoc,
  type Variable,
  type Widget,
} from "@/components/dashboards/types";
import { WidgetBody } from "@/components/dashboards/widgets";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Card, Notice } from "@/components/ui/surface";
import { errorCode, errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";

/** Server paths name the document's fields, sometimes under the input's key. */
const normalize = (errors: Record<string, string>) =>
  Object.fromEntries(Object.entries(errors).map(([p, m]) => [p.replace(/^(patch|dashboard|file)\./, ""), m]));

const clampPlace = (p: Place): Place => {
  const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(p.w) || 1));
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(p.x) || 0));
  return { x, w, y: Math.min(1000, Math.max(0, Math.round(p.y) || 0)), h: Math.min(50, Math.max(1, Math.round(p.h) || 1)) };
};

export default function DashboardEditPage() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const dashboard = useQuery(trpc.dashboards.get.queryOptions({ id }, { refetchOnWindowFocus: false }));
  if (dashboard.error) return <Notice>{errorMessage(dashboard.error)}</Notice>;
  if (!dashboard.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!dashboard.data.editable)
    return (
      <Notice>
        Your profiles may not change this dashboard. <Link href={`/dashboards/${id}`}>View it</Link>
      </Notice>
    );
  return <Editor key={`${dashboard.data.id}`} dashboard={dashboard.data} />;
}

function Editor({ dashboard }: { dashboard: Dashboard }) {
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
  const [leaving, setLeaving] = useState<string | null>(null);
  const [now] = useState(() => Date.now());
  const dirty = JSON.stringify(doc) !== JSON.stringify(saved);

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

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const leave = (href: string) => (dirty ? setLeaving(href) : router.push(href));

  // links elsewhere in the console (navigation, header) ask first too
  useEffect(() => {
    if (!dirty) return;
    const intercept = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.("a[href]");
      const href = a?.getAttribute("href");
      if (!a || !href?.startsWith("/") || a.getAttribute("target") === "_blank") return;
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      setLeaving(href);
    };
    document.addEventListener("click", intercept, true);
    return () => document.removeEventListener("click", intercept, true);
  }, [dirty]);

  const addWidget = (type: string) => {
    const y = doc.widgets.reduce((m, w) => Math.max(m, w.layout.y + w.layout.h), 0);
    const wid = nextWidgetId(doc.widgets, type);
    const w = type === "table" || type === "chart" || type === "map" ? 6 : 3;
    const h = type === "value" ? 2 : type === "gauge" ? 3 : 4;
    change({
      ...doc,
      widgets: [
        ...doc.widgets,
        { id: wid, type, title: "", settings: defaultSettings(type, doc.variables), layout: { x: 0, y, w, h } },
      ],
    });
    setSelected(wid);
    setAdding(false);
  };

  const current = doc.widgets.find((w) => w.id === selected);
  const currentIndex = doc.widgets.findIndex((w) => w.id === selected);
  const widgetErrors = (i: number) =>
    Object.entries(errors).filter(([p]) => p === `widgets.${i}` || p.startsWith(`widgets.${i}.`));
  const settingsErrors = Object.fromEntries(
    widgetErrors(currentIndex)
      .filter(([p]) => p.startsWith(`widgets.${currentIndex}.settings.`))
      .map(([p, m]) => [p.slice(`widgets.${currentIndex}.settings.`.length), m]),
  );
  const { from, to } = rangeOf(doc.timeRange, now);
  const ctx = { variables: doc.variables, picked: {}, from, to, live: false, every: false as const };
  const relative = "relative" in doc.timeRange ? doc.timeRange.relative : "";

  const setVariable = (i: number, patch: Partial<Variable>) =>
    change({ ...doc, variables: doc.variables.map((v, j) => (j === i ? { ...v, ...patch } : v)) });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <Field label="Title" error={errors.title}>
            {(props) => (
              <Input
                {...props}
                value={doc.title}
                onChange={(e) => change({ ...doc, title: e.target.value })}
                data-testid="dashboard-title-input"
              />
            )}
          </Field>
        </div>
        <Field label="Time range" error={errors.timeRange}>
          {(props) => (
            <Select
              {...props}
              value={relative}
              data-testid="time-range"
              onChange={(e) => change({ ...doc, timeRange: { relative: e.target.value as Relative } })}
            >
              {!relative && <option value="">custom</option>}
              {RELATIVES.map((r) => (
                <option key={r} value={r}>
                  last {r}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Refresh" error={errors.refresh ?? errors["refresh.seconds"]}>
          {(props) => (
            <Select
              {...props}
              value={doc.refresh.mode}
              data-testid="dashboard-refresh"
              onChange={(e) => {
                const mode = e.target.value as Refresh["mode"];
                change({ ...doc, refresh: mode === "interval" ? { mode, seconds: 60 } : { mode } });
              }}
            >
              <option value="live">live</option>
              <option value="interval">every N seconds</option>
              <option value="off">off</option>
            </Select>
          )}
        </Field>
        {doc.refresh.mode === "interval" && (
          <Field label="Seconds">
            {(props) => (
              <Input
                {...props}
                type="number"
                min={5}
                max={3600}
                className="w-24"
                value={doc.refresh.mode === "interval" ? doc.refresh.seconds : 60}
                onChange={(e) => change({ ...doc, refresh: { mode: "interval", seconds: Number(e.target.value) } })}
              />
            )}
          </Field>
        )}
        <div className="flex gap-2 pb-5">
          <Button variant="secondary" data-testid="dashboard-undo" disabled={!history.length} onClick={undo}>
            Undo
          </Button>
          <Button variant="secondary" onClick={() => leave(`/dashboards/${dashboard.id}`)}>
            {dirty ? "Close" : "View"}
          </Button>
          <Button
            data-testid="dashboard-save"
            disabled={save.isPending || !dirty}
            onClick={() => save.mutate({ id: dashboard.id, expectedVersion: version, patch: { ...doc } })}
          >
            {save.isPending ? "Saving…" : dirty ? "Save" : "Saved"}
          </Button>
        </div>
      </div>
      {save.error && (
        <Notice>{errorCode(save.error) === "CONFLICT" ? `${errorMessage(save.error)}.` : errorMessage(save.error)}</Notice>
      )}
      {save.isSuccess && !dirty && <Notice tone="success">Saved (version {version}).</Notice>}

      <Card className="p-4">
        <div className="mb-2 flex items-center justify-between">
          <h2 className="text-sm font-semibold">Variables</h2>
          <Button
            size="sm"
            variant="secondary"
            data-testid="variable-add"
            onClick={() =>
              change({
                ...doc,
                variables: [...doc.variables, { name: `var${doc.variables.length + 1}`, label: "", kind: "device" }],
              })
            }
          >
            Add a variable
          </Button>
        </div>
        {doc.variables.length === 0 && <p className="text-xs text-zinc-500">None: widgets name their twins.</p>}
        {doc.variables.map((v, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a variable's name is what is being edited
          <div key={i} className="grid grid-cols-2 gap-2 sm:grid-cols-6" data-testid={`variable-edit-${i}`}>
            <Field label="Name" error={errors[`variables.${i}.name`]}>
              {(props) => <Input {...props} value={v.name} onChange={(e) => setVariable(i, { name: e.target.value })} />}
            </Field>
            <Field label="Label">
              {(props) => <Input {...props} value={v.label} onChange={(e) => setVariable(i, { label: e.target.value })} />}
            </Field>
            <Field label="Kind">
              {(props) => (
                <Select {...props} value={v.kind} onChange={(e) => setVariable(i, { kind: e.target.value as Variable["kind"] })}>
                  <option value="device">device</option>
                  <option value="asset">asset</option>
                </Select>
              )}
            </Field>
            <Field label="Model" error={errors[`variables.${i}.model`]}>
              {(props) => (
                <Input
                  {...props}
                  value={v.model ?? ""}
                  onChange={(e) => setVariable(i, { model: e.target.value || undefined })}
                />
              )}
            </Field>
            <Field label="Default reference" error={errors[`variables.${i}.default`]}>
              {(props) => (
                <Input
                  {...props}
                  value={v.default ?? ""}
                  onChange={(e) => setVariable(i, { default: e.target.value || undefined })}
                />
              )}
            </Field>
            <div className="flex items-center">
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Remove variable ${v.name}`}
                onClick={() => change({ ...doc, variables: doc.variables.filter((_, j) => j !== i) })}
              >
                Remove
              </Button>
            </div>
          </div>
        ))}
      </Card>

      <div className="flex items-center gap-2">
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
      </div>

      <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
        <div className="min-w-0">
          {doc.widgets.length === 0 ? (
            <Notice tone="info">No widget yet: add one.</Notice>
          ) : (
            <DashboardGrid
              widgets={doc.widgets}
              render={(w) => {
                const i = doc.widgets.indexOf(w);
                const problems = widgetErrors(i);
                return (
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
                );
              }}
            />
          )}
        </div>
        <Card className="h-fit p-4">
          {!current ? (
            <p className="text-sm text-zinc-500">Select a widget to change it.</p>
          ) : (
            <div className="space-y-3" data-testid="widget-panel">
              <div className="flex items-center justify-between">
                <h2 className="text-sm font-semibold">
                  {current.type} <span className="font-mono text-xs text-zinc-500">{current.id}</span>
                </h2>
                <Button
                  size="sm"
                  variant="ghost"
                  data-testid="widget-remove"
                  onClick={() => {
                    change({ ...doc, widgets: doc.widgets.filter((w) => w.id !== current.id) });
                    setSelected(null);
                  }}
                >
                  Remove
                </Button>
              </div>
              <Field label="Title" error={errors[`widgets.${currentIndex}.title`]}>
                {(props) => (
                  <Input
                    {...props}
                    value={current.title}
                    data-testid="widget-title"
                    onChange={(e) => setWidget(current.id, { title: e.target.value })}
                  />
                )}
              </Field>
              <PlaceEditor
                place={current.layout}
                errors={errors}
                prefix={`widgets.${currentIndex}.layout`}
                onChange={(layout) => setWidget(current.id, { layout: clampPlace(layout) })}
              />
              <SettingsForm
                key={current.id}
                schema={types.data?.find((t) => t.type === current.type)?.settingsSchema}
                value={current.settings}
                errors={settingsErrors}
                onChange={(settings) => setWidget(current.id, { settings })}
              />
            </div>
          )}
        </Card>
      </div>
      <ConfirmDialog
        open={leaving !== null}
        title="Leave without saving?"
        confirmLabel="Leave"
        pending={false}
        error={null}
        onCancel={() => setLeaving(null)}
        onConfirm={() => {
          const href = leaving;
          setLeaving(null);
          setSaved(doc);
          if (href) router.push(href);
        }}
      >
        Your changes to this dashboard are not saved.
      </ConfirmDialog>
    </div>
  );
}

/** Move (arrows) and resize (numbers) a widget on the 12-column grid. */
function PlaceEditor({
  place,
  onChange,
  errors,
  prefix,
}: {
  place: Place;
  onChange: (p: Place) => void;
  errors: Record<string, string>;
  prefix: string;
}) {
  const keys = ["x", "y", "w", "h"] as const;
  return (
    <div className="space-y-2">
      <div className="flex gap-1">
        <Button size="sm" variant="secondary" aria-label="Move left" onClick={() => onChange({ ...place, x: place.x - 1 })}>
          ←
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move up" onClick={() => onChange({ ...place, y: place.y - 1 })}>
          ↑
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move down" onClick={() => onChange({ ...place, y: place.y + 1 })}>
          ↓
        </Button>
        <Button size="sm" variant="secondary" aria-label="Move right" onClick={() => onChange({ ...place, x: place.x + 1 })}>
          →
        </Button>
      </div>
      <div className="grid grid-cols-4 gap-2">
        {keys.map((k) => (
          <Field key={k} label={{ x: "Column", y: "Row", w: "Width", h: "Height" }[k]} error={errors[`${prefix}.${k}`]}>
            {(props) => (
              <Input
                {...props}
                type="number"
                value={place[k]}
                data-testid={`widget-layout-${k}`}
                onChange={(e) => onChange({ ...place, [k]: Number(e.target.value) })}
              />
            )}
          </Field>
        ))}
      </div>
    </div>
  );
}
