import { type DashboardDoc, type Picked, rangeOf, type TimeRange } from "./types";
import type { WidgetContext } from "./widgets/common";

/**
 * What every widget of a dashboard draws from: the variables' twins (pinned by the page,
 * picked by the viewer, or their defaults), the time range at `now`, and the refresh mode.
 * The same in the browser and on the server that fetches a dashboard's data with its page.
 */
export function viewContext(
  doc: DashboardDoc,
  view: { range: TimeRange | null; picked: Picked; pinned: Picked; now: number },
): WidgetContext {
  const { from, to } = rangeOf(view.range ?? doc.timeRange, view.now);
  const held: Picked = Object.fromEntries(
    doc.variables.map((v) => [
      v.name,
      v.name in view.pinned
        ? view.pinned[v.name]
        : v.name in view.picked
          ? view.picked[v.name]
          : v.default && v.model
            ? { model: v.model, reference: v.default }
            : undefined,
    ]),
  );
  const seconds = doc.refresh.mode === "interval" ? doc.refresh.seconds : 0;
  return {
    variables: doc.variables,
    picked: held,
    from,
    to,
    live: doc.refresh.mode === "live",
    every: seconds ? seconds * 1000 : false,
  };
}
