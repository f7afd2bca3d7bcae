import { describe, expect, it } from "vitest";
import type { DashboardDoc, Widget } from "../types";
import { clampPlace, placesOf, withoutSmallPlaces, withPlaces } from "./places";

const widget = (id: string, layout: Widget["layout"], smallLayout?: Widget["layout"]): Widget => ({
  id,
  type: "value",
  title: id,
  settings: {},
  layout,
  ...(smallLayout ? { smallLayout } : {}),
});
const doc = (widgets: Widget[]) => ({ widgets }) as DashboardDoc;

describe("editor places", () => {
  it("stacks widgets without a small-screen place full width under the ones before, as the view does", () => {
    const widgets = [
      widget("a", { x: 0, y: 0, w: 6, h: 3 }),
      widget("b", { x: 6, y: 0, w: 6, h: 2 }, { x: 1, y: 5, w: 2, h: 2 }),
      widget("c", { x: 0, y: 3, w: 12, h: 4 }),
    ];
    const small = placesOf(widgets, "small");
    expect(small.get("a")).toEqual({ x: 0, y: 0, w: 4, h: 3 });
    expect(small.get("b")).toEqual({ x: 1, y: 5, w: 2, h: 2 });
    expect(small.get("c")).toEqual({ x: 0, y: 7, w: 4, h: 4 });
    expect(placesOf(widgets, "large").get("b")).toEqual({ x: 6, y: 0, w: 6, h: 2 });
  });

  it("moving one widget on small screens pins the others where they were drawn; stacking again forgets them", () => {
    const d = doc([widget("a", { x: 0, y: 0, w: 6, h: 3 }), widget("b", { x: 6, y: 0, w: 6, h: 2 })]);
    const moved = withPlaces(d, "small", new Map([["b", { x: 2, y: 0, w: 2, h: 2 }]]));
    expect(moved.widgets.map((w) => w.smallLayout)).toEqual([
      { x: 0, y: 0, w: 4, h: 3 },
      { x: 2, y: 0, w: 2, h: 2 },
    ]);
    expect(moved.widgets.map((w) => w.layout)).toEqual(d.widgets.map((w) => w.layout));
    expect(withoutSmallPlaces(moved).widgets.every((w) => !("smallLayout" in w))).toBe(true);
  });

  it("keeps typed places inside the grid and the server's bounds", () => {
    expect(clampPlace({ x: 11, y: -3, w: 5, h: 80 }, 12)).toEqual({ x: 7, y: 0, w: 5, h: 50 });
    expect(clampPlace({ x: Number.NaN, y: 2.6, w: 0, h: 1 }, 4)).toEqual({ x: 0, y: 3, w: 1, h: 1 });
  });
});
