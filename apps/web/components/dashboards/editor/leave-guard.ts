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
 * Once saved, a back press that lands there goes on back, so it is never a press for nothing.
 */
export function useLeaveGuard(dirty: boolean) {
  const router = useRouter();
  const [leaving, setLeaving] = useState<string | null>(null);
  const state = useRef({ dirty, guarded: false, goingBack: false });
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

  useEffect(() => {
    if (!dirty) return;
    const intercept = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.("a[href]");
      const href = a?.getAttribute("href");
      if (!a || !href?.startsWith("/") || a.getAttribute("target") === "_blank") return;
      if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      setLeaving(href);
    };
    document.addEventListener("click", intercept, true);
    return () => document.removeEventListener("click", intercept, true);
  }, [dirty]);

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

  return {
    leaving,
    leave: (href: string) => (dirty ? setLeaving(href) : router.push(href)),
    stay: () => setLeaving(null),
    /** Leaves for what was asked: the link's page, or back past this page's two entries. */
    go: () => {
      const target = leaving;
      setLeaving(null);
      if (target === BACK) {
        state.current.goingBack = true;
        window.history.go(-2);
      } else if (target) router.push(target);
    },
  };
}
