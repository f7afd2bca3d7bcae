import { useSyncExternalStore } from "react";

const never = () => () => {};

/**
 * False while the server renders a page and while the browser hydrates it, true after: what
 * depends on the browser alone (its language and time zone for dates) waits for it, so the
 * browser's first render matches the server's HTML.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
