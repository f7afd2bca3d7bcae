"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useUnsavedChanges } from "@/lib/unsaved";

/** `leaving` when the browser's back button is what would leave. */
export const BACK = "back";

/**
 * Asks before unsaved changes are left: closing the tab, links elsewhere in the console
 * (navigation, header), the browser's back button, and switching tenants. A link's address
 * (or BACK) waits in `leaving` until confirmed with `go` or dropped with `stay`.
 *
 * The back button: once there are changes, the page puts one more entry of itself on the
 * history, which the button takes off instead of leaving; the page puts it back and asks.
 * That entry never outlives the page: once saved, a back press that lands on it goes on
 * back, and a link followed from the page replaces it. `fallback`: where leaving by BACK
 * goes when there is nothing to go back to (the editor opened in a new tab).
 */
export function useLeaveGuard(dirty: boolean, fallback: string) {
  const router = useRouter();
  const [leaving, setLeaving] = useState<string | null>(null);
  const state = useRef({ dirty, guarded: false, goingBack: false, wentBack: false });
  state.current.dirty = dirty;
  useUnsavedChanges(dirty);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** Follows a link from the page: in place of the guard entry when there is one. */
  const follow = (href: string) => {
    const s = state.current;
    if (s.guarded) {
      s.guarded = false;
      router.replace(href);
    } else router.push(href);
  };

  useEffect(() => {
    const s = state.current;
    const intercept = (e: MouseEvent) => {
      if (!s.dirty && !s.guarded) return;
      const a = (e.target as Element | null)?.closest?.("a[href]");
      const href = a?.getAttribute("href");
      if (!a || !href?.startsWith("/") || a.getAttribute("target") === "_blank") return;
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      if (s.dirty) setLeaving(href);
      else follow(href);
    };
    document.addEventListener("click", intercept, true);
    return () => document.removeEventListener("click", intercept, true);
  });

  // the guard entry, pushed once with the first change
  useEffect(() => {
    const s = state.current;
    if (!dirty || s.guarded) return;
    window.history.pushState(window.history.state, "", window.location.href);
    s.guarded = true;
  }, [dirty]);

  useEffect(() => {
    const s = state.current;
    const onPop = () => {
      if (s.goingBack) s.wentBack = true;
      if (!s.guarded || s.goingBack) return;
      if (s.dirty) {
        window.history.pushState(window.history.state, "", window.location.href);
        setLeaving(BACK);
      } else {
        s.guarded = false;
        window.history.back();
      }
    };
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  // leaving by BACK with nothing behind the page: its fallback, when the history did not move
  const stuck = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (stuck.current) clearTimeout(stuck.current);
    },
    [],
  );

  return {
    leaving,
    leave: (href: string) => (dirty ? setLeaving(href) : follow(href)),
    stay: () => setLeaving(null),
    /** Leaves for what was asked: the link's page, or back past this page's two entries. */
    go: () => {
      const target = leaving;
      setLeaving(null);
      if (target === BACK) {
        const s = state.current;
        s.goingBack = true;
        window.history.go(-2);
        stuck.current = setTimeout(() => {
          if (s.wentBack) return;
          s.goingBack = false;
          follow(fallback);
        }, 500);
      } else if (target) follow(target);
    },
  };
}
