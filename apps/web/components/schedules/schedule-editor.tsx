"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Options, Select } from "@/components/ui/field";
import { SaveFeedback } from "@/components/ui/save-feedback";
import { Card, Notice } from "@/components/ui/surface";
import { errorMessage, fieldErrors, useTRPC } from "@/lib/trpc";
import { COMMON_TIMEZONES, cronShapeHint, type Schedule, type ScheduleDraft, toDocument } from "./draft";
import { LastRun, useNow, WhenText } from "./schedule-bits";

const textarea =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900 aria-[invalid=true]:border-red-500";
const OTHER_ZONE = "__other__";

/** The schedule form (create or update): name, timing, action; server errors beside their fields. */
export function ScheduleEditor({
  schedule,
  initial,
  canWrite,
}: {
  schedule: Schedule | null;
  initial: ScheduleDraft;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const now = useNow();
  const [draft, setDraft] = useState<ScheduleDraft>(initial);
  const [version, setVersion] = useState(schedule?.version);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [otherZone, setOtherZone] = useState(() => !(COMMON_TIMEZONES as readonly string[]).includes(initial.timezone));
  const patch = (p: Partial<ScheduleDraft>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...p }));
  };
  const rules = useQuery(trpc.rules.list.queryOptions({ limit: 500, offset: 0 }));

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const create = useMutation(
    trpc.schedules.create.mutationOptions({
      onSuccess: async (created) => {
        await refresh();
        router.replace(`/schedules/${created.id}`);
      },
    }),
  );
  const update = useMutation(
    trpc.schedules.update.mutationOptions({
      onSuccess: async (updated) => {
        setVersion(updated.version);
        setSaved(true);
        await refresh();
      },
    }),
  );
  const runNow = useMutation(
    trpc.schedules.runNow.mutationOptions({
      // the worker records the outcome shortly after
      onSuccess: () => setTimeout(() => void refresh(), 1500),
    }),
  );
  const save = schedule ? update : create;
  const errors = { ...fieldErrors(save.error), ...localErrors };
  const err = (path: string) =>
    Object.entries(errors)
      .filter(([p]) => p === path || p.startsWith(`${path}.`))
      .map(([, m]) => m)
      .join("; ") || undefined;

  function submit() {
    setSaved(false);
    const { doc, errors: found } = toDocument(draft);
    setLocalErrors(found);
    if (!doc) return;
    if (schedule)
      update.mutate({
        id: schedule.id,
        patch: doc as Record<string, unknown>,
        ...(version ? { expectedVersion: version } : {}),
      });
    else create.mutate(doc);
  }

  const ruleItems = rules.data?.items ?? [];
  const ruleMissing = draft.ruleId && rules.data && !ruleItems.some((r) => r.id === draft.ruleId);
  const shape = cronShapeHint(draft.cron);

  return (
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
              <Input
                {...props}
                value={draft.name}
                onChange={(e) => patch({ name: e.target.value })}
                data-testid="schedule-name"
              />
            )}
          </Field>
          <label className="flex items-center gap-2 self-center pt-5 text-sm font-medium">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => patch({ enabled: e.target.checked })}
              data-testid="schedule-enabled"
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
              className={textarea.replace("font-mono ", "")}
              data-testid="schedule-description"
            />
          )}
        </Field>
      </Card>

      <Card className="space-y-4 p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-sm font-semibold">When</h2>
          <fieldset className="flex gap-4 text-sm" aria-label="Timing kind">
            <label className="flex items-center gap-1.5">
              <input
                type="radio"
                name="when-kind"
                checked={draft.whenKind === "cron"}
                onChange={() => patch({ whenKind: "cron" })}
                data-testid="schedule-when-cron"
              />
              Cron expression
            </label>
            <label className="flex items-center gap-1.5">
              <input
                type="radio"
                name="when-kind"
                checked={draft.whenKind === "every"}
                onChange={() => patch({ whenKind: "every" })}
                data-testid="schedule-when-every"
              />
              Every N seconds or minutes
            </label>
          </fieldset>
        </div>
        {draft.whenKind === "cron" ? (
          <>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Cron" error={err("when.cron")} hint={shape ?? undefined}>
                {(props) => (
                  <Input
                    {...props}
                    className="font-mono"
                    value={draft.cron}
                    placeholder="0 9 * * 1-5"
                    onChange={(e) => patch({ cron: e.target.value })}
                    data-testid="schedule-cron"
                  />
                )}
              </Field>
              <div className="space-y-2">
                <Field label="Timezone" error={err("when.timezone")} hint="The cron's times are in this zone">
                  {(props) => (
                    <Select
                      {...props}
                      value={otherZone ? OTHER_ZONE : draft.timezone}
                      onChange={(e) => {
                        if (e.target.value === OTHER_ZONE) setOtherZone(true);
                        else {
                          setOtherZone(false);
                          patch({ timezone: e.target.value });
                        }
                      }}
                      data-testid="schedule-timezone"
                    >
                      <Options items={[...COMMON_TIMEZONES, { value: OTHER_ZONE, label: "Other (type an IANA name)…" }]} />
                    </Select>
                  )}
                </Field>
                {otherZone && (
                  <Input
                    aria-label="Other timezone"
                    placeholder="America/Argentina/Buenos_Aires"
                    value={draft.timezone}
                    onChange={(e) => patch({ timezone: e.target.value })}
                    data-testid="schedule-timezone-other"
                  />
                )}
              </div>
            </div>
            <details className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="schedule-cron-help">
              <summary className="cursor-pointer select-none font-medium">Cron help</summary>
              <div className="mt-2 space-y-1">
                <p>
                  5 fields: <code>minute hour day-of-month month day-of-week</code>, or 6 with <code>second</code> first. Each
                  field takes <code>*</code>, a value, a list <code>1,15</code>, a range <code>1-5</code> or a step{" "}
                  <code>*/10</code>; days of the week run from 0 (Sunday) to 6, or <code>MON</code>–<code>SUN</code>.
                </p>
                <ul className="list-inside list-disc">
                  <li>
                    <code>0 * * * *</code>: every hour, on the hour
                  </li>
                  <li>
                    <code>*/15 * * * *</code>: every 15 minutes
                  </li>
                  <li>
                    <code>0 9 * * 1-5</code>: at 09:00, Monday to Friday
                  </li>
                  <li>
                    <code>30 0 0 1 * *</code>: at 00:00:30 on the first of each month (6 fields)
                  </li>
                </ul>
              </div>
            </details>
          </>
        ) : (
          <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
            <Field label="Every" error={err("when.everySeconds") ?? err("when")}>
              {(props) => (
                <Input
                  {...props}
                  type="number"
                  min={1}
                  step={1}
                  value={draft.every}
                  onChange={(e) => patch({ every: e.target.value })}
                  data-testid="schedule-every-seconds"
                />
              )}
            </Field>
            <Field label="Unit">
              {(props) => (
                <Select
                  {...props}
                  value={draft.everyUnit}
                  onChange={(e) => patch({ everyUnit: e.target.value as ScheduleDraft["everyUnit"] })}
                  data-testid="schedule-every-unit"
                >
                  <Options
                    items={[
                      { value: "seconds", label: "seconds" },
                      { value: "minutes", label: "minutes" },
                    ]}
                  />
                </Select>
              )}
            </Field>
          </div>
        )}
        {draft.whenKind === "cron" && err("when") && !err("when.cron") && !err("when.timezone") && (
          <p className="text-xs text-red-600" role="alert">
            {err("when")}
          </p>
        )}
        {schedule && (
          <div className="rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/50">
            <p>
              <span className="text-zinc-500">As saved: </span>
              <span data-testid="schedule-humanized">{schedule.humanized}</span>
            </p>
            <p className="text-zinc-500">
              Next run:{" "}
              {schedule.nextRunAt ? (
                <span data-testid="schedule-next-run">
                  <WhenText date={new Date(schedule.nextRunAt)} now={now} compact /> (
                  {new Date(schedule.nextRunAt).toLocaleString()})
                </span>
              ) : (
                "none (disabled)"
              )}
            </p>
          </div>
        )}
      </Card>

      <Card className="space-y-4 p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-sm font-semibold">Action</h2>
          <div className="w-48">
            <Select
              aria-label="Action"
              value={draft.actionType}
              onChange={(e) => patch({ actionType: e.target.value as ScheduleDraft["actionType"] })}
              data-testid="schedule-action-type"
            >
              <option value="rule">Run a rule</option>
              <option value="api">Call the API</option>
            </Select>
          </div>
        </div>
        {err("action.type") && (
          <p className="text-xs text-red-600" role="alert">
            {err("action.type")}
          </p>
        )}
        {draft.actionType === "rule" ? (
          <Field
            label="Rule"
            error={err("action.ruleId") ?? errorMessage(rules.error) ?? undefined}
            hint="Its condition is checked against the schedule's time, then its steps run (even when the rule is disabled)"
          >
            {(props) => (
              <Select
                {...props}
                value={draft.ruleId}
                onChange={(e) => patch({ ruleId: e.target.value })}
                data-testid="schedule-rule"
              >
                <option value="">{rules.isLoading ? "Loading rules…" : "Choose a rule"}</option>
                {ruleMissing && <option value={draft.ruleId}>{draft.ruleId} (no longer exists)</option>}
                <Options items={ruleItems.map((r) => ({ value: r.id, label: `${r.name}${r.enabled ? "" : " (disabled)"}` }))} />
              </Select>
            )}
          </Field>
        ) : (
          <div className="space-y-4">
            <Field
              label="Procedure"
              error={err("action.path")}
              hint="A tRPC procedure path such as assets.update; it runs with the permissions of whoever saved the schedule last"
            >
              {(props) => (
                <Input
                  {...props}
                  className="font-mono"
                  placeholder="assets.update"
                  value={draft.path}
                  onChange={(e) => patch({ path: e.target.value })}
                  data-testid="schedule-api-path"
                />
              )}
            </Field>
            <Field label="Input (JSON)" error={err("action.input")} hint="Empty: the procedure is called without input">
              {(props) => (
                <textarea
                  {...props}
                  rows={6}
                  spellCheck={false}
                  placeholder='{ "id": "…", "patch": { "metadata": { "checked": true } } }'
                  value={draft.input}
                  onChange={(e) => patch({ input: e.target.value })}
                  className={textarea}
                  data-testid="schedule-api-input"
                />
              )}
            </Field>
          </div>
        )}
      </Card>

      {schedule && (
        <Card className="space-y-2 p-5">
          <div className="flex items-center justify-between gap-2">
            <h2 className="text-sm font-semibold">Last run</h2>
            {canWrite && (
              <Button
                size="sm"
                variant="secondary"
                disabled={runNow.isPending}
                onClick={() => runNow.mutate({ id: schedule.id })}
                data-testid="schedule-run-now"
              >
                {runNow.isPending ? "Queuing…" : "Run now"}
              </Button>
            )}
          </div>
          <LastRun lastRun={schedule.lastRun} now={now} />
          {schedule.lastRun?.status === "succeeded" && schedule.lastRun.result !== null && (
            <details className="text-xs">
              <summary className="cursor-pointer select-none text-zinc-500">Result</summary>
              <pre className="mt-1 max-h-64 overflow-auto rounded bg-zinc-50 p-2 dark:bg-zinc-800/50">
                {JSON.stringify(schedule.lastRun.result, null, 2)}
              </pre>
            </details>
          )}
          {runNow.isSuccess && <Notice tone="info">Queued: the outcome shows here once the worker has run it.</Notice>}
          {runNow.error && <Notice>{errorMessage(runNow.error)}</Notice>}
        </Card>
      )}

      <SaveFeedback
        noun="schedule"
        errors={errors}
        error={save.error}
        saved={saved}
        pending={save.isPending}
        canWrite={canWrite}
        creating={!schedule}
        testId="schedule"
        onBack={() => router.push("/schedules")}
      />
    </form>
  );
}
