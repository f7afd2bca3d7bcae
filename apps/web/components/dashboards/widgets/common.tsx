"use client";
import type { Picked, Variable } from "../types";

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
