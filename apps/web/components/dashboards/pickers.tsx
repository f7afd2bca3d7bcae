"use client";
import { useQuery } from "@tanstack/react-query";
import { Select } from "@/components/ui/field";
import { useTRPC } from "@/lib/trpc";
import { type Picked, RELATIVES, type Relative, type Variable } from "./types";

export function TimeRangePicker({ value, onChange }: { value: Relative | null; onChange: (r: Relative) => void }) {
  return (
    <Select
      aria-label="Time range"
      data-testid="time-range"
      value={value ?? ""}
      onChange={(e) => onChange(e.target.value as Relative)}
      className="w-28"
    >
      {value === null && <option value="">custom</option>}
      {RELATIVES.map((r) => (
        <option key={r} value={r}>
          last {r}
        </option>
      ))}
    </Select>
  );
}

/** The twin a variable holds: an asset or device of its model. */
export function VariablePicker({
  variable,
  value,
  onChange,
}: {
  variable: Variable;
  value: Picked[string];
  onChange: (v: Picked[string]) => void;
}) {
  const trpc = useTRPC();
  const input = {
    ...(variable.model ? { filter: { model: variable.model } } : {}),
    sort: { field: "reference", order: "asc" } as const,
    limit: 200,
    withTotal: false,
  };
  const assets = useQuery({ ...trpc.assets.search.queryOptions(input), enabled: variable.kind === "asset" });
  const devices = useQuery({ ...trpc.devices.search.queryOptions(input), enabled: variable.kind === "device" });
  const items = (variable.kind === "asset" ? assets.data?.items : devices.data?.items) ?? [];
  const key = (t: { model: string; reference: string }) => `${t.model}/${t.reference}`;
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="text-zinc-500">{variable.label || variable.name}</span>
      <Select
        aria-label={variable.label || variable.name}
        data-testid={`variable-${variable.name}`}
        value={value ? key(value) : ""}
        onChange={(e) => {
          const t = items.find((i) => key(i) === e.target.value);
          onChange(t ? { model: t.model, reference: t.reference } : undefined);
        }}
        className="w-48"
      >
        <option value="">Choose…</option>
        {items.map((t) => (
          <option key={t.id} value={key(t)}>
            {t.reference}
            {variable.model ? "" : ` (${t.model})`}
          </option>
        ))}
      </Select>
    </div>
  );
}
