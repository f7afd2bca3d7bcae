// A dashboard in live mode follows its tenant's measures through ONE subscription (see
// live.ts) and this hub hands each widget the measures of the twins it shows.

/** One live measure as a widget sees it: `key` is the asset slot for an asset, else the device's measure name. */
export type LivePoint = {
  kind: "asset" | "device";
  twinId: string;
  key: string;
  measuredAt: Date;
  values: Record<string, unknown>;
};
export type Listener = (points: LivePoint[]) => void;

/** Everything, whatever the twin: the listener of widgets that show many twins (tables, maps). */
export const ANY_TWIN = "*";
export const twinKey = (kind: "asset" | "device", id: string) => `${kind}:${id}`;

export class LiveHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  on(key: string, listener: Listener): () => void {
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(key);
    };
  }

  /** A batch of the tenant's measures: a device's go to it by name, a linked one's to its asset by slot too. */
  publish(
    measures: {
      deviceId: string;
      assetId: string | null;
      name: string;
      slot: string | null;
      measuredAt: string;
      values: Record<string, unknown>;
    }[],
  ) {
    const byKey = new Map<string, LivePoint[]>();
    const add = (key: string, point: LivePoint) => {
      if (!this.listeners.has(key)) return;
      const list = byKey.get(key);
      if (list) list.push(point);
      else byKey.set(key, [point]);
    };
    for (const m of measures) {
      const measuredAt = new Date(m.measuredAt);
      const device: LivePoint = { kind: "device", twinId: m.deviceId, key: m.name, measuredAt, values: m.values };
      add(twinKey("device", m.deviceId), device);
      add(ANY_TWIN, device);
      if (m.assetId && m.slot) {
        const asset: LivePoint = { kind: "asset", twinId: m.assetId, key: m.slot, measuredAt, values: m.values };
        add(twinKey("asset", m.assetId), asset);
        add(ANY_TWIN, asset);
      }
    }
    for (const [key, points] of byKey) for (const listener of this.listeners.get(key) ?? []) listener(points);
  }
}
