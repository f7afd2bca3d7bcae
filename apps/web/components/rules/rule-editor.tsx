"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { SaveFeedback } from "@/components/ui/save-feedback";
import { Card } from "@/components/ui/surface";
import { fieldErrors, useTRPC } from "@/lib/trpc";
import { ConditionBuilder } from "./condition-builder";
import { COMMON_PATHS, type Draft, payloadPaths, toDocument } from "./draft";
import { DryRunPanel } from "./dry-run-panel";
import { StepsEditor } from "./steps-editor";
import type { Rule, TaskInfo, TriggerInfo } from "./types";

const textarea =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** The rule form (create or update) with the dry-run panel beside it. */
export function RuleEditor({
  rule,
  initial,
  tasks,
  triggers,
  canWrite,
}: {
  rule: Rule | null;
  initial: Draft;
  tasks: TaskInfo[];
  triggers: TriggerInfo[];
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(initial);
  const [version, setVersion] = useState(rule?.version);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const patch = (p: Partial<Draft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...p }));
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rules.pathKey() });
  const create = useMutation(
    trpc.rules.create.mutationOptions({
      onSuccess: async (created) => {
        await refresh();
        router.replace(`/rules/${created.id}`);
      },
    }),
  );
  const update = useMutation(
    trpc.rules.update.mutationOptions({
      onSuccess: async (updated) => {
        setVersion(updated.version);
        setSaved(true);
        await refresh();
      },
    }),
  );
  const save = rule ? update : create;
  const errors = { ...fieldErrors(save.error), ...localErrors };
  const trigger = triggers.find((t) => t.name === draft.event);
  const paths = useMemo(() => payloadPaths(trigger?.payloadSchema, COMMON_PATHS[draft.event] ?? []), [trigger, draft.event]);

  function build() {
    const { doc, errors: found } = toDocument(draft, tasks);
    setLocalErrors(found);
    return doc;
  }
  function submit() {
    setSaved(false);
    const doc = build();
    if (!doc) return;
    if (rule)
      update.mutate({ id: rule.id, patch: doc as Record<string, unknown>, ...(version ? { expectedVersion: version } : {}) });
    else create.mutate(doc);
  }
  const err = (path: string) =>
    Object.entries(errors)
      .filter(([p]) => p === path || p.startsWith(`${path}.`))
      .map(([, m]) => m)
      .join("; ") || undefined;

  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Card className="space-y-4 p-5">
          <div className="grid gap-4 sm:grid-cols-[1fr_auto]">
            <Field label="Name" error={err("name")}>
              {(props) => (
                <Input {...props} value={draft.name} onChange={(e) => patch({ name: e.target.value })} data-testid="rule-name" />
              )}
            </Field>
            <label className="flex items-center gap-2 self-center pt-5 text-sm font-medium">
              <input
                type="checkbox"
                checked={draft.enabled}
                onChange={(e) => patch({ enabled: e.target.checked })}
                data-testid="rule-enabled"
              />
              Enabled
            </label>
          </div>
          <Field label="Description" error={err("description")}>
            {(props) => (
              <textarea
                {...props}
                rows={2}
                value={draft.description}
                onChange={(e) => patch({ description: e.target.value })}
                className={textarea}
                data-testid="rule-description"
              />
            )}
          </Field>
        </Card>

        <Card className="space-y-4 p-5">
          <h2 className="text-sm font-semibold">Trigger</h2>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="When" error={err("trigger.event") ?? err("trigger.type")} hint={trigger?.description}>
              {(props) => (
                <Select
                  {...props}
                  value={draft.event}
                  onChange={(e) => patch({ event: e.target.value })}
                  data-testid="rule-trigger-event"
                >
                  <Options items={triggers.map((t) => ({ value: t.name, label: `${t.label} (${t.name})` }))} />
                </Select>
              )}
            </Field>
            {draft.event !== "schedule" ? (
              <Field label="Twin models" error={err("trigger.models")} hint="Comma-separated; empty: every twin">
                {(props) => (
                  <Input
                    {...props}
                    value={draft.models}
                    placeholder="Room, DemoSensor"
                    onChange={(e) => patch({ models: e.target.value })}
                    data-testid="rule-trigger-models"
                  />
                )}
              </Field>
            ) : (
              <div className="space-y-2">
                <Select
                  aria-label="Schedule kind"
                  value={draft.scheduleKind}
                  onChange={(e) => patch({ scheduleKind: e.target.value as Draft["scheduleKind"] })}
                >
                  <option value="cron">Cron expression</option>
                  <option value="every">Every N seconds</option>
                </Select>
                {draft.scheduleKind === "cron" ? (
                  <div className="grid grid-cols-2 gap-2">
                    <Field label="Cron" error={err("trigger.when.cron")}>
                      {(props) => <Input {...props} value={draft.cron} onChange={(e) => patch({ cron: e.target.value })} />}
                    </Field>
                    <Field label="Timezone" error={err("trigger.when.timezone")}>
                      {(props) => (
                        <Input {...props} value={draft.timezone} onChange={(e) => patch({ timezone: e.target.value })} />
                      )}
                    </Field>
                  </div>
                ) : (
                  <Field label="Every (seconds)" error={err("trigger.when.everySeconds") ?? err("trigger.when")}>
                    {(props) => (
                      <Input
                        {...props}
                        type="number"
                        min={1}
                        value={draft.everySeconds}
                        onChange={(e) => patch({ everySeconds: e.target.value })}
                      />
                    )}
                  </Field>
                )}
              </div>
            )}
          </div>
        </Card>

        <Card className="space-y-4 p-5">
          <h2 className="text-sm font-semibold">Condition</h2>
          <ConditionBuilder draft={draft} onChange={patch} paths={paths} errors={errors} />
          {errors.condition && draft.condMode === "builder" && (
            <p className="text-xs text-red-600" role="alert">
              {errors.condition}
            </p>
          )}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              label="Holds for (minutes)"
              error={err("holdsForSeconds")}
              hint="The condition must hold this long on a twin before the steps run; 0: at once"
            >
              {(props) => (
                <Input
                  {...props}
                  type="number"
                  min={0}
                  step="any"
                  value={draft.holdsForMinutes}
                  onChange={(e) => patch({ holdsForMinutes: e.target.value })}
                  data-testid="rule-holds-for-minutes"
                />
              )}
            </Field>
            <div className="space-y-1 pt-6">
              <label className="flex items-center gap-2 text-sm font-medium">
                <input
                  type="checkbox"
                  checked={draft.autoClear}
                  onChange={(e) => patch({ autoClear: e.target.checked })}
                  data-testid="rule-auto-clear"
                />
                Auto-clear its alerts when the condition stops holding
              </label>
              {err("autoClear") && <p className="text-xs text-red-600">{err("autoClear")}</p>}
            </div>
          </div>
        </Card>

        <Card className="space-y-3 p-5">
          <h2 className="text-sm font-semibold">Steps</h2>
          <p className="text-xs text-zinc-500">
            Run in order when the rule fires. Text args take templates such as {"{{measure.values.temperature}}"} or{" "}
            {"{{twin.reference}}"}.
          </p>
          <StepsEditor steps={draft.steps} tasks={tasks} onChange={(steps) => patch({ steps })} errors={errors} />
          {err("steps") && !Object.keys(errors).some((p) => p.startsWith("steps.")) && (
            <p className="text-xs text-red-600" role="alert">
              {errors.steps}
            </p>
          )}
        </Card>

        <SaveFeedback
          noun="rule"
          errors={errors}
          error={save.error}
          saved={saved}
          pending={save.isPending}
          canWrite={canWrite}
          creating={!rule}
          testId="rule"
          onBack={() => router.push("/rules")}
        />
      </form>
      <div className="space-y-4">
        <DryRunPanel build={build} trigger={trigger} />
      </div>
    </div>
  );
}
