"use client";
import { useQuery } from "@tanstack/react-query";
import { Input, Select } from "@/components/ui/field";
import { useTRPC } from "@/lib/trpc";
import { type Picked, RELATIVES, type Relative, rangeOf, type TimeRange, type Variable } from "./types";

/** The text of a datetime-local input: the local time, to the minute. */
const toLocalInput = (d: Date | string) => {
  const t = new Date(d);
  return new Date(t.getTime() - t.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** A relative range, or "Custom…" with its from and to in local time. */
export function TimeRangePicker({ value, onChange, id }: { value: TimeRange; onChange: (r: TimeRange) => void; id?: string }) {
  const absolute = "relative" in value ? null : value;
  // an unfinished datetime-local input says "": the range keeps its last whole value
  const setEnd = (end: "from" | "to", text: string) => {
    if (absolute && text) onChange({ ...absolute, [end]: new Date(text) });
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Select
        id={id}
        aria-label="Time range"
        data-testid="time-range"
        value={"relative" in value ? value.relative : "custom"}
        onChange={(e) =>
          // a custom range starts as the relative one it replaces, then its ends are moved
          onChange(e.target.value === "custom" ? rangeOf(value, Date.now()) : { relative: e.target.value as Relative })
        }
        className="w-32"
      >
        {RELATIVES.map((r) => (
          <option key={r} value={r}>
            last {r}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </Select>
      {absolute &&
        (["from", "to"] as const).map((end) => (
          <Input
            key={end}
            type="datetime-local"
            aria-label={end === "from" ? "From" : "To"}
            data-testid={`time-range-${end}`}
            value={toLocalInput(absolute[end])}
            onChange={(e) => setEnd(end, e.target.value)}
            className="w-52"
          />
        ))}
    </div>
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
