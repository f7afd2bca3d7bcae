"use client";
import type { ReactNode } from "react";
import ReactGridLayout, { type Layout, noCompactor, useContainerWidth } from "react-grid-layout";
import "react-grid-layout/css/styles.css";
import "react-resizable/css/styles.css";
import { DRAG_HANDLE_CLASS } from "../grid";
import { GRID_GAP, type Place, ROW_HEIGHT } from "../types";
import { samePlace } from "./places";

/**
 * Widgets dragged by their header and resized from their corner. Without compaction: the
 * view puts each widget at its stored row, so the editor shows the gaps it will show.
 */
export function LayoutGrid({
  items,
  columns,
  onMove,
}: {
  items: { id: string; place: Place; node: ReactNode }[];
  columns: number;
  /** Every widget's place once a drag or resize ends, when one changed. */
  onMove: (places: Map<string, Place>) => void;
}) {
  const { width, containerRef, mounted } = useContainerWidth();
  const layout = items.map(({ id, place }) => ({ i: id, ...place, maxH: 50 }));
  const settle = (next: Layout) => {
    const places = new Map(next.map(({ i, x, y, w, h }) => [i, { x, y, w, h }]));
    if (items.some(({ id, place }) => !samePlace(place, places.get(id)))) onMove(places);
  };
  return (
    <div ref={containerRef} data-testid="layout-grid" data-columns={columns}>
      {mounted && (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: columns, rowHeight: ROW_HEIGHT, margin: [GRID_GAP, GRID_GAP], containerPadding: [0, 0] }}
          dragConfig={{ handle: `.${DRAG_HANDLE_CLASS}` }}
          resizeConfig={{ handles: ["se"] }}
          compactor={noCompactor}
          onDragStop={settle}
          onResizeStop={settle}
        >
          {items.map(({ id, node }) => (
            <div key={id} data-testid={`grid-item-${id}`}>
              {node}
            </div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}
