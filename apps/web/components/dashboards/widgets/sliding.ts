// A widget's ranged query while the dashboard's range slides to now (live, every N seconds).

/** A query key without its time range (`from`, `to`), to tell a range that slid from another question. */
const withoutRange = (key: readonly unknown[]) => JSON.stringify(key, (k, v) => (k === "from" || k === "to" ? undefined : v));

/**
 * placeholderData for a widget's ranged query: the previous answer stays drawn while the
 * next one comes only when the question is the same but for its range (the dashboard
 * sliding to now), never when it asks about another twin or measure.
 */
export function keepWhileSliding<T>(key: readonly unknown[]) {
  return (previous: T | undefined, previousQuery: { queryKey: readonly unknown[] } | undefined) =>
    previousQuery && withoutRange(previousQuery.queryKey) === withoutRange(key) ? previous : undefined;
}
