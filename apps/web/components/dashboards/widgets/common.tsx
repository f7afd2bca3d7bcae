"use client";
import type { ReactNode } from "react";
import type { Picked, Place, Source, Variable } from "../types";

export interface WidgetContext {
  variables: Variable[];
  picked: Picked;
  from: Date;
  to: Date;
  live: boolean;
  /** Refetch every so many ms (interval mode), or false. */
  every: number | false;
}

export const COLORS = ["#4f46e5", "#059669", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#65a30d"];
export const Muted = ({ children }: { children: React.ReactNode }) => <p className="text-sm text-zinc-500">{children}</p>;

/**
 * A widget type in the console: its view, what a new one starts as, and the drawing code it
 * loads apart. Its settings schema is the server's (core's dashboards/widgets.ts), its first
 * data queries are in queries.ts (the server runs them too, so they stay out of client code).
 */
export interface WidgetDefinition<S> {
  type: string;
  /** Columns and rows of a new one on the 12-column grid. */
  size: { w: number; h: number };
  /** A new one's settings; `source`: the dashboard's first variable, or a twin still to name. */
  start: (source: Source) => S;
  View: (props: { settings: S; ctx: WidgetContext; place: Place }) => ReactNode;
  /** The library it draws with, loaded apart from the dashboard's code (recharts, Leaflet). */
  load?: () => Promise<unknown>;
}
