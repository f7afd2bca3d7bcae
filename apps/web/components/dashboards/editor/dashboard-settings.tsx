"use client";
import { useQuery } from "@tanstack/react-query";
import { Field, Input, Select } from "@/components/ui/field";
import { useTRPC } from "@/lib/trpc";
import { TimeRangePicker } from "../pickers";
import type { DashboardDoc, Refresh } from "../types";

/** The first message the server gave for a field or anything under it (`timeRange.to`). */
const errorAt = (errors: Record<string, string>, key: string) =>
  Object.entries(errors).find(([p]) => p === key || p.startsWith(`${key}.`))?.[1];

/** What the dashboard is, how it opens, who sees and changes it, and what it is bound to. */
export function DashboardSettings({
  doc,
  errors,
  onChange,
}: {
  doc: DashboardDoc;
  errors: Record<string, string>;
  onChange: (patch: Partial<DashboardDoc>) => void;
}) {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const models = useQuery(trpc.models.listAssets.queryOptions({}));
  const profiles = me.data?.currentTenant?.groupProfiles ?? [];
  const boundModel = doc.assetModel ?? "";
  const modelNames = (models.data ?? []).map((m) => m.model);
  return (
    <div className="space-y-3" data-testid="dashboard-settings">
      <h2 className="text-sm font-semibold">Dashboard settings</h2>
      <Field label="Title" error={errors.title}>
        {(props) => (
          <Input
            {...props}
            value={doc.title}
            onChange={(e) => onChange({ title: e.target.value })}
            data-testid="dashboard-title-input"
          />
        )}
      </Field>
      <Field label="Description" error={errors.description}>
        {(props) => (
          <textarea
            {...props}
            rows={2}
            value={doc.description}
            onChange={(e) => onChange({ description: e.target.value })}
            data-testid="dashboard-description"
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
          />
        )}
      </Field>
      <Field label="Icon" error={errors.icon} hint="An icon name, such as layout-dashboard or thermometer.">
        {(props) => (
          <Input {...props} value={doc.icon} onChange={(e) => onChange({ icon: e.target.value })} data-testid="dashboard-icon" />
        )}
      </Field>
      <Field label="Default time range" error={errorAt(errors, "timeRange")}>
        {(props) => <TimeRangePicker id={props.id} value={doc.timeRange} onChange={(timeRange) => onChange({ timeRange })} />}
      </Field>
      <div className="flex gap-2">
        <Field label="Refresh" error={errorAt(errors, "refresh")}>
          {(props) => (
            <Select
              {...props}
              value={doc.refresh.mode}
              data-testid="dashboard-refresh"
              onChange={(e) => {
                const mode = e.target.value as Refresh["mode"];
                onChange({ refresh: mode === "interval" ? { mode, seconds: 60 } : { mode } });
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
                data-testid="dashboard-refresh-seconds"
                value={doc.refresh.mode === "interval" ? doc.refresh.seconds : 60}
                onChange={(e) => onChange({ refresh: { mode: "interval", seconds: Number(e.target.value) } })}
              />
            )}
          </Field>
        )}
      </div>
      <ProfileChecks
        legend="Who may see it"
        name="view"
        nobody="None checked: every member who reads dashboards."
        profiles={profiles}
        value={doc.viewProfiles}
        error={errorAt(errors, "viewProfiles")}
        onChange={(viewProfiles) => onChange({ viewProfiles })}
      />
      <ProfileChecks
        legend="Who may change it"
        name="edit"
        nobody="None checked: every member who writes dashboards."
        profiles={profiles}
        value={doc.editProfiles}
        error={errorAt(errors, "editProfiles")}
        onChange={(editProfiles) => onChange({ editProfiles })}
      />
      <Field
        label="Bound to the asset model"
        error={errors.assetModel}
        hint="Shown as a tab on each asset of the model, that asset as its asset variable."
      >
        {(props) => (
          <Select
            {...props}
            value={boundModel}
            data-testid="dashboard-asset-model"
            onChange={(e) => onChange({ assetModel: e.target.value || null })}
          >
            <option value="">none</option>
            {/* a bound model the tenant no longer has still shows, so that it can be unbound */}
            {[...new Set([...modelNames, ...(boundModel ? [boundModel] : [])])].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </div>
  );
}

/** Profiles as checkboxes; none checked means every member with the permission. */
function ProfileChecks({
  legend,
  name,
  nobody,
  profiles,
  value,
  error,
  onChange,
}: {
  legend: string;
  name: string;
  nobody: string;
  profiles: string[];
  value: string[];
  error: string | undefined;
  onChange: (v: string[]) => void;
}) {
  return (
    <fieldset data-testid={`${name}-profiles`}>
      <legend className="mb-1 text-sm font-medium text-zinc-700 dark:text-zinc-300">{legend}</legend>
      <div className="flex flex-wrap gap-3">
        {[...new Set([...profiles, ...value])].map((p) => (
          <label key={p} className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              checked={value.includes(p)}
              data-testid={`${name}-profile-${p}`}
              onChange={(e) => onChange(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
            />
            {p}
          </label>
        ))}
      </div>
      <p
        className={`mt-1 text-xs ${error ? "text-red-600 dark:text-red-400" : "text-zinc-500"}`}
        role={error ? "alert" : undefined}
      >
        {error ?? (value.length ? "" : nobody)}
      </p>
    </fieldset>
  );
}
