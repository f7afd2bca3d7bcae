"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Badge, Card, Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";
import { samplePayload } from "./draft";
import type { ConditionTrace, DryRunEvent, RuleDocumentInput, TriggerInfo } from "./types";

/** The rule as edited against a device's last measures or a payload given by hand: what would happen. */
export function DryRunPanel({
  build,
  trigger,
}: {
  /** The document as edited, or null (its errors are shown by the editor). */
  build: () => RuleDocumentInput | null;
  trigger: TriggerInfo | undefined;
}) {
  const trpc = useTRPC();
  const [source, setSource] = useState<"device" | "payload">("device");
  const [deviceId, setDeviceId] = useState("");
  const [last, setLast] = useState("20");
  const [payload, setPayload] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const devices = useQuery(trpc.devices.search.queryOptions({ sort: { field: "reference", order: "asc" }, limit: 500 }));
  const byModel = useMemo(() => {
    const groups = new Map<string, { id: string; reference: string }[]>();
    for (const d of devices.data?.items ?? []) groups.set(d.model, [...(groups.get(d.model) ?? []), d]);
    return [...groups.entries()];
  }, [devices.data]);
  const run = useMutation(trpc.rules.dryRun.mutationOptions());
  const issues = fieldErrors(run.error);

  function start() {
    setLocalError(null);
    const rule = build();
    if (!rule) {
      setLocalError("Fix the rule's fields first.");
      return;
    }
    if (source === "device") {
      if (!deviceId) {
        setLocalError("Choose a device.");
        return;
      }
      run.mutate({ rule, measuresOf: { deviceId, last: Math.min(500, Math.max(1, Number(last) || 20)) } });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload || "{}");
    } catch (e) {
      setLocalError(`The payload is not valid JSON: ${(e as Error).message}`);
      return;
    }
    run.mutate({ rule, payload: parsed as Record<string, unknown> });
  }

  return (
    <Card className="p-4">
      <h2 className="mb-1 text-sm font-semibold">Dry run</h2>
      <p className="mb-3 text-xs text-zinc-500">The rule as edited (not saved), without doing anything.</p>
      <div className="space-y-3">
        <div className="flex gap-3 text-sm">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="dry-run-source" checked={source === "device"} onChange={() => setSource("device")} />
            Last measures of a device
          </label>
          <label className="flex items-center gap-1.5">
            <input
              type="radio"
              name="dry-run-source"
              checked={source === "payload"}
              data-testid="dry-run-source-payload"
              onChange={() => {
                setSource("payload");
                if (!payload && trigger) setPayload(JSON.stringify(samplePayload(trigger.payloadSchema, trigger.name), null, 2));
              }}
            />
            A payload
          </label>
        </div>
        {source === "device" ? (
          <div className="grid grid-cols-[1fr_6rem] gap-2">
            <Field label="Device">
              {(props) => (
                <Select {...props} value={deviceId} onChange={(e) => setDeviceId(e.target.value)} data-testid="dry-run-device">
                  <option value="">Choose a device…</option>
                  {byModel.map(([model, items]) => (
                    <optgroup key={model} label={model}>
                      {items.map((d) => (
                        <option key={d.id} value={d.id}>
                          {d.reference}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Last N">
              {(props) => (
                <Input {...props} type="number" min={1} max={500} value={last} onChange={(e) => setLast(e.target.value)} />
              )}
            </Field>
          </div>
        ) : (
          <Field label="Trigger payload (JSON)">
            {(props) => (
              <textarea
                {...props}
                rows={10}
                spellCheck={false}
                value={payload}
                onChange={(e) => setPayload(e.target.value)}
                data-testid="dry-run-payload"
                className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
              />
            )}
          </Field>
        )}
        <Button onClick={start} disabled={run.isPending} data-testid="dry-run-run">
          {run.isPending ? "Running…" : "Run"}
        </Button>
        {localError && <Notice>{localError}</Notice>}
        {run.error && (
          <Notice>
            {Object.keys(issues).length ? (
              <ul className="list-inside list-disc">
                {Object.entries(issues).map(([path, message]) => (
                  <li key={path}>
                    {path.replace(/^rule\./, "") || "rule"}: {message}
                  </li>
                ))}
              </ul>
            ) : (
              errorMessage(run.error)
            )}
          </Notice>
        )}
        {run.data && (
          <div data-testid="dry-run-result" data-fired={run.data.fired} className="space-y-2">
            <p className="text-sm">
              {run.data.events.length} event(s) of <code>{run.data.event}</code>:{" "}
              <strong data-testid="dry-run-fired">{run.data.fired}</strong> would fire the rule.
            </p>
            <ol className="max-h-[36rem] space-y-2 overflow-y-auto">
              {run.data.events.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: events are in time order, shown once
                <DryRunEventView key={i} event={e} />
              ))}
            </ol>
          </div>
        )}
      </div>
    </Card>
  );
}

function summary(payload: Record<string, unknown>): string {
  const twin = payload.twin as { reference?: string } | null | undefined;
  const measure = payload.measure as { name?: string; values?: unknown } | undefined;
  const at = typeof payload.at === "string" ? new Date(payload.at).toLocaleString() : "";
  return [at, twin?.reference, measure ? `${measure.name} ${JSON.stringify(measure.values)}` : ""].filter(Boolean).join(" · ");
}

function DryRunEventView({ event }: { event: DryRunEvent }) {
  const [open, setOpen] = useState(false);
  return (
    <li
      data-testid="dry-run-event"
      data-fired={event.fires ? "true" : "false"}
      className={`rounded-md border p-2 text-xs ${event.fires ? "border-emerald-300 dark:border-emerald-800" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <div className="flex flex-wrap items-center gap-1.5">
        <Badge tone={event.holds ? "green" : "neutral"}>{event.holds ? "holds" : "does not hold"}</Badge>
        {event.fires && <Badge tone="accent">fires</Badge>}
        {event.clearsAlerts && <Badge tone="amber">clears alerts</Badge>}
        {event.waitingUntil && <Badge tone="neutral">waits until {new Date(event.waitingUntil).toLocaleTimeString()}</Badge>}
        <span className="text-zinc-500">{summary(event.payload as Record<string, unknown>)}</span>
        <button type="button" className="ml-auto text-accent-700 hover:underline" onClick={() => setOpen(!open)}>
          {open ? "less" : "details"}
        </button>
      </div>
      {event.trace && (
        <div className="mt-1.5">
          <TraceView trace={event.trace as ConditionTrace} />
        </div>
      )}
      {event.steps.length > 0 && (
        <ul className="mt-1.5 space-y-0.5">
          {event.steps.map((s) => (
            <li key={s.index} data-testid="dry-run-step">
              <span className="font-medium">
                {s.index + 1}. {s.task}:
              </span>{" "}
              {"wouldDo" in s && s.wouldDo ? (
                <span>{String(s.wouldDo)}</span>
              ) : "skipped" in s && s.skipped ? (
                <span className="text-zinc-500">skipped: {String(s.skipped)}</span>
              ) : "error" in s && s.error ? (
                <span className="text-red-600">{String(s.error)}</span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <pre className="mt-2 max-h-64 overflow-auto rounded bg-zinc-100 p-2 dark:bg-zinc-800">
          {JSON.stringify(event.payload, null, 2)}
        </pre>
      )}
    </li>
  );
}

/** A condition's trace: each node, whether it held, and the value it saw. */
export function TraceView({ trace }: { trace: ConditionTrace }) {
  return (
    <ul className="space-y-0.5 font-mono">
      <TraceNode node={trace} depth={0} />
    </ul>
  );
}

function TraceNode({ node, depth }: { node: ConditionTrace; depth: number }) {
  return (
    <>
      <li style={{ paddingLeft: `${depth}rem` }} data-testid="trace-node" data-holds={node.holds}>
        <span className={node.holds ? "text-emerald-600" : "text-red-600"}>{node.holds ? "✓" : "✗"}</span>{" "}
        {node.path || "(condition)"} <span className="text-zinc-500">{node.kind}</span>
        {"actual" in node && <span> · saw {JSON.stringify(node.actual)}</span>}
        {node.kind === "field" && !("actual" in node) && !node.note && <span className="text-zinc-500"> · missing</span>}
        {node.note && <span className="text-zinc-500"> · {node.note}</span>}
      </li>
      {node.children?.map((c) => (
        <TraceNode key={c.path} node={c} depth={depth + 1} />
      ))}
    </>
  );
}
