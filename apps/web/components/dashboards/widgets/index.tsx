"use client";
import type { Widget } from "../types";
import { type AlertsSettings, AlertsWidget } from "./alerts";
import { type ChartSettings, ChartWidget } from "./chart";
import { Muted, type WidgetContext } from "./common";
import { type MapSettings, MapWidget } from "./map";
import { type TableSettings, TableWidget } from "./table";
import { type ValueSettings, ValueWidget } from "./value";

// One file per widget type; this one picks a widget's by its type.

export type { WidgetContext } from "./common";

/** One widget's content, by its type. */
export function WidgetBody({ widget, ctx }: { widget: Widget; ctx: WidgetContext }) {
  const s = (widget.settings ?? {}) as Record<string, unknown>;
  switch (widget.type) {
    case "value":
    case "gauge":
      return <ValueWidget settings={s as unknown as ValueSettings} gauge={widget.type === "gauge"} ctx={ctx} />;
    case "chart":
      return <ChartWidget settings={s as unknown as ChartSettings} ctx={ctx} place={widget.layout} />;
    case "table":
      return <TableWidget settings={s as unknown as TableSettings} ctx={ctx} />;
    case "alerts":
      return <AlertsWidget settings={s as unknown as AlertsSettings} ctx={ctx} />;
    case "map":
      return <MapWidget settings={s as unknown as MapSettings} ctx={ctx} />;
    default:
      return <Muted>Unknown widget type {widget.type}</Muted>;
  }
}
