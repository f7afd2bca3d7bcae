"use client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/**
 * Asks before unsaved changes are left: closing the tab, and links elsewhere in the console
 * (navigation, header), whose address waits in `leaving` until confirmed or dropped.
 */
export function useLeaveGuard(dirty: boolean) {
  const router = useRouter();
  const [leaving, setLeaving] = useState<string | null>(null);

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

  return {
    leaving,
    leave: (href: string) => (dirty ? setLeaving(href) : router.push(href)),
    stay: () => setLeaving(null),
  };
}
