"use client";
import { useQuery } from "@tanstack/react-query";
import { useHydrated } from "@/lib/hydrated";
import { errorMessage, useTRPC } from "@/lib/trpc";
import { useLivePoints, useTwinId } from "../live";
import { resolveSource, type Source, type Threshold, thresholdColor } from "../types";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { keepWhileSliding } from "./sliding";
import { valueQueries } from "./queries";

export interface ValueSettings {
  source?: Source;
  measure?: string;
  field?: string;
  unit?: string;
  decimals?: number;
  trend?: boolean;
  min?: number;
  max?: number;
  thresholds?: Threshold[];
}

export function ValueWidget({ settings, gauge, ctx }: { settings: ValueSettings; gauge: boolean; ctx: WidgetContext }) {
  const trpc = useTRPC();
  const hydrated = useHydrated();
  const picked = resolveSource(settings.source, ctx.variables, ctx.picked);
  const twinId = useTwinId(picked);
  const { twin, id, wantTrend, ...query } = valueQueries(trpc, settings, ctx, () => twinId);
  const opts = { refetchInterval: ctx.every };
  const lastAnswer = useQuery({ ...query.last, ...opts });
  // the trend's range slides with the dashboard's: the arrow stays while the next reads
  const recentAnswer = useQuery({ ...query.recent, ...opts, placeholderData: keepWhileSliding(query.recent.queryKey) });
  const live = useLivePoints(twin?.kind, id);
  if (!twin) return <Muted>Pick a twin (or a variable) for this widget.</Muted>;
  const last = lastAnswer.data?.[settings.measure ?? ""];
  let value = last?.values[settings.field ?? ""];
  let at = last ? new Date(last.measuredAt) : undefined;
  for (const p of live)
    if (p.key === settings.measure && p.values[settings.field ?? ""] !== undefined && (!at || p.measuredAt >= at)) {
      value = p.values[settings.field ?? ""];
      at = p.measuredAt;
    }
  const error = lastAnswer.error;
  if (error) return <Muted>{errorMessage(error)}</Muted>;
  if (typeof value !== "number") return <Muted>{value === undefined ? "No value yet." : String(value)}</Muted>;
  const color = thresholdColor(value, settings.thresholds);
  const recentPage = recentAnswer.data;
  const history = (recentPage?.kind === "raw" ? recentPage.items : [])
    .map((m) => m.values[settings.field ?? ""])
    .filter((v): v is number => typeof v === "number");
  // against the measure before the shown one (the newest stored one when a live value came since)
  const previous = history[0] === value ? history[1] : history[0];
  const trend = previous === undefined || previous === value ? "→" : value > previous ? "▲" : "▼";
  const text = value.toFixed(settings.decimals ?? 1);
  if (gauge) {
    const min = settings.min ?? 0;
    const max = settings.max ?? 100;
    const ratio = Math.min(1, Math.max(0, (value - min) / (max - min || 1)));
    const angle = Math.PI * (1 - ratio);
    const x = 50 + 40 * Math.cos(angle);
    const y = 50 - 40 * Math.sin(angle);
    return (
      <div className="flex h-full flex-col items-center justify-center" data-testid="widget-value">
        <svg viewBox="0 0 100 60" className="w-full max-w-56" role="img" aria-label={`${text} ${settings.unit ?? ""}`}>
          <path d="M10 50 A40 40 0 0 1 90 50" fill="none" stroke="currentColor" strokeOpacity={0.15} strokeWidth={8} />
          <path
            d={`M10 50 A40 40 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`}
            fill="none"
            stroke={color ?? "#4f46e5"}
            strokeWidth={8}
          />
          <text x="50" y="48" textAnchor="middle" fontSize="12" fill="currentColor" fontWeight={600}>
            {text}
            {settings.unit ? ` ${settings.unit}` : ""}
          </text>
        </svg>
        <p className="text-xs text-zinc-500">
          {min} – {max}
          {wantTrend && history.length > 0 && (
            <span className="ml-2" data-testid="widget-trend" title={`before: ${previous ?? "—"}`}>
              {trend}
            </span>
          )}
        </p>
      </div>
    );
  }
  return (
    <div className="flex h-full flex-col justify-center">
      <p className="text-3xl font-semibold tabular-nums" style={color ? { color } : undefined} data-testid="widget-value">
        {text}
        {settings.unit && <span className="ml-1 text-base font-normal text-zinc-500">{settings.unit}</span>}
        {wantTrend && history.length > 0 && (
          <span
            className="ml-2 text-base font-normal text-zinc-500"
            data-testid="widget-trend"
            title={`before: ${previous ?? "—"}`}
          >
            {trend}
          </span>
        )}
      </p>
      <p className="mt-1 text-xs text-zinc-500">
        {twin.reference} · {settings.measure}.{settings.field}
        {at && hydrated ? ` · ${at.toLocaleString()}` : ""}
      </p>
    </div>
  );
}

export const valueWidget: WidgetDefinition<ValueSettings> = {
  type: "value",
  size: { w: 3, h: 2 },
  start: (source) => ({ source, measure: "", field: "", decimals: 1, trend: true, thresholds: [] }),
  View: (props) => <ValueWidget {...props} gauge={false} />,
};

export const gaugeWidget: WidgetDefinition<ValueSettings> = {
  type: "gauge",
  size: { w: 3, h: 3 },
  start: (source) => ({ source, measure: "", field: "", min: 0, max: 100, thresholds: [] }),
  View: (props) => <ValueWidget {...props} gauge />,
};
