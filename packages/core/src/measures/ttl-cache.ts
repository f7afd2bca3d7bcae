// A small per-process cache of promises that expire: the store behind the definitions
// ingestion reads on every batch. No imports, so the writers of those definitions can
// clear it without an import cycle.
const TTL_MS = 15_000;
const entries = new Map<string, { until: number; value: Promise<unknown> }>();

export function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = entries.get(key);
  if (hit && hit.until > Date.now()) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { until: Date.now() + TTL_MS, value });
  value.catch(() => entries.delete(key));
  return value;
}

/** Called by whatever changes a measure type, a model or a tenant's settings. */
export function forgetDefinitions(): void {
  entries.clear();
}
