"use client";
import type { Source, Variable, Widget } from "../types";
import { alertsWidget } from "./alerts";
import { chartWidget } from "./chart";
import { Muted, type WidgetContext, type WidgetDefinition } from "./common";
import { mapWidget } from "./map";
import { tableWidget } from "./table";
import { gaugeWidget, valueWidget } from "./value";

// The console's widget types, one definition each (in its own file): a new type is its file
// and a line here, with its settings schema on the server and its first queries in queries.ts.

export type { WidgetContext } from "./common";

// biome-ignore lint/suspicious/noExplicitAny: each definition is typed by its own settings; the registry holds them all
const WIDGETS: WidgetDefinition<any>[] = [chartWidget, tableWidget, mapWidget, valueWidget, gaugeWidget, alertsWidget];
const BY_TYPE = new Map(WIDGETS.map((w) => [w.type, w]));

/** One widget's content, by its type. */
export function WidgetBody({ widget, ctx }: { widget: Widget; ctx: WidgetContext }) {
  const definition = BY_TYPE.get(widget.type);
  if (!definition) return <Muted>Unknown widget type {widget.type}</Muted>;
  return <definition.View settings={widget.settings ?? {}} ctx={ctx} place={widget.layout} />;
}

/**
 * A new widget of this type: its starting settings (reading the dashboard's first variable
 * when it has one; the server says what is still missing) and its size.
 */
export function startingWidget(type: string, variables: Variable[]): { settings: unknown; size: { w: number; h: number } } {
  const definition = BY_TYPE.get(type);
  const first = variables[0];
  const source: Source = first ? { variable: first.name } : { twin: { kind: "device", model: "", reference: "" } };
  return { settings: definition?.start(source) ?? {}, size: definition?.size ?? { w: 4, h: 4 } };
}

/**
 * Starts loading the drawing code of these widget types (each loads once), so a dashboard
 * loads recharts or Leaflet while the page hydrates rather than after its widgets render.
 */
export function preloadWidgetCode(types: Iterable<string>): void {
  if (typeof window === "undefined") return;
  for (const type of new Set(types)) void BY_TYPE.get(type)?.load?.();
}
