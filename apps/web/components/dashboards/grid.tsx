"use client";
import type { ReactNode } from "react";
import { GRID_GAP, ROW_HEIGHT, type Widget } from "./types";

/**
 * Widgets on a 12-column CSS grid; below 768px on their small (4-column) place, or stacked
 * in order when they have none.
 */
export function DashboardGrid({ widgets, render }: { widgets: Widget[]; render: (widget: Widget) => ReactNode }) {
  const css = widgets
    .map((w, i) => {
      const l = w.layout;
      const s = w.smallLayout;
      const small = s
        ? `grid-column:${s.x + 1}/span ${s.w};grid-row:${s.y + 1}/span ${s.h};`
        : `grid-column:1/-1;grid-row:auto/span ${l.h};order:${i};`;
      return `.dash-w-${i}{${small}}@media (min-width:768px){.dash-w-${i}{grid-column:${l.x + 1}/span ${l.w};grid-row:${l.y + 1}/span ${l.h};order:0;}}`;
    })
    .join("");
  return (
    <>
      <style>{`.dash-grid{display:grid;gap:${GRID_GAP}px;grid-template-columns:repeat(4,minmax(0,1fr));grid-auto-rows:${ROW_HEIGHT}px;grid-auto-flow:row dense}@media (min-width:768px){.dash-grid{grid-template-columns:repeat(12,minmax(0,1fr));}}${css}`}</style>
      <div className="dash-grid">
        {widgets.map((w, i) => (
          <div key={w.id} className={`dash-w-${i} min-w-0`}>
            {render(w)}
          </div>
        ))}
      </div>
    </>
  );
}

/** The class of the part of a widget's frame that drags it in the editor. */
export const DRAG_HANDLE_CLASS = "widget-drag-handle";

/** A widget's frame: its title and content; in the editor its header selects it and drags it. */
export function WidgetFrame({
  widget,
  children,
  selected,
  onSelect,
  footer,
}: {
  widget: Widget;
  children: ReactNode;
  selected?: boolean;
  onSelect?: () => void;
  footer?: ReactNode;
}) {
  return (
    <section
      data-testid={`widget-${widget.id}`}
      className={`flex h-full flex-col overflow-hidden rounded-lg border bg-white p-3 shadow-xs dark:bg-zinc-900 ${
        selected ? "border-accent-500 ring-2 ring-accent-500/40" : "border-zinc-200 dark:border-zinc-800"
      }`}
    >
      {onSelect ? (
        <div
          className={`${DRAG_HANDLE_CLASS} mb-1 flex cursor-move items-center gap-1.5`}
          data-testid={`widget-handle-${widget.id}`}
          title="Drag to move"
        >
          <span aria-hidden="true" className="select-none text-zinc-400">
            ⠿
          </span>
          <button
            type="button"
            onClick={onSelect}
            data-testid={`widget-select-${widget.id}`}
            className="min-w-0 truncate text-left text-sm font-medium text-zinc-700 hover:text-accent-700 dark:text-zinc-300"
            title="Change this widget"
          >
            {widget.title || widget.type} ✎
          </button>
        </div>
      ) : (
        <h3 className="mb-1 truncate text-sm font-medium text-zinc-700 dark:text-zinc-300">{widget.title || widget.type}</h3>
      )}
      <div className="min-h-0 flex-1">{children}</div>
      {footer}
    </section>
  );
}
