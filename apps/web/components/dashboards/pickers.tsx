"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Input, Select } from "@/components/ui/field";
import { useTRPC } from "@/lib/trpc";
import { allOf } from "@/lib/twin-filter";
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

/** Twins a picker lists at a time; past that, a search box narrows them (on the server). */
const PICKER_PAGE = 100;

/**
 * The twin a variable holds: an asset or device of its model, picked from a list, or found
 * by typing part of its reference or metadata when the model has more twins than it lists.
 */
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
  const [search, setSearch] = useState("");
  const text = search.trim();
  const filter = allOf([...(variable.model ? [{ model: variable.model }] : []), ...(text ? [{ text }] : [])]);
  const input = {
    ...(filter ? { filter } : {}),
    sort: { field: "reference", order: "asc" } as const,
    limit: PICKER_PAGE,
    withTotal: false,
  };
  const options = { placeholderData: keepPreviousData };
  const assets = useQuery({ ...trpc.assets.search.queryOptions(input), ...options, enabled: variable.kind === "asset" });
  const devices = useQuery({ ...trpc.devices.search.queryOptions(input), ...options, enabled: variable.kind === "device" });
  const page = variable.kind === "asset" ? assets.data : devices.data;
  const items = page?.items ?? [];
  const key = (t: { model: string; reference: string }) => `${t.model}/${t.reference}`;
  // the twin held stays in the list when the page or the search does not include it
  const held = value && !items.some((i) => key(i) === key(value)) ? value : undefined;
  const more = Boolean(page?.nextCursor) || text !== "";
  const label = variable.label || variable.name;
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="text-zinc-500">{label}</span>
      {more && (
        <Input
          type="search"
          aria-label={`Search ${label}`}
          data-testid={`variable-${variable.name}-search`}
          placeholder="Search…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="w-32"
        />
      )}
      <Select
        aria-label={label}
        data-testid={`variable-${variable.name}`}
        value={value ? key(value) : ""}
        onChange={(e) => {
          const t = [...(held ? [held] : []), ...items].find((i) => key(i) === e.target.value);
          onChange(t ? { model: t.model, reference: t.reference } : undefined);
        }}
        className="w-48"
      >
        <option value="">Choose…</option>
        {held && <option value={key(held)}>{held.reference}</option>}
        {items.map((t) => (
          <option key={t.id} value={key(t)}>
            {t.reference}
            {variable.model ? "" : ` (${t.model})`}
          </option>
        ))}
        {page?.nextCursor && (
          <option value="…" disabled>
            … more: search to narrow
          </option>
        )}
      </Select>
    </div>
  );
}
