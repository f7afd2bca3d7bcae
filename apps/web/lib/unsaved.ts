"use client";
import { useEffect } from "react";

// Unsaved changes on the page, for what leaves it without a link: the tenant switcher
// (switching would reload every page's data under another tenant).

let unsaved = 0;

export const LEAVE_QUESTION = "Leave without saving? The changes made here will be lost.";

/** Counts this editor's unsaved changes while `dirty`. */
export function useUnsavedChanges(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    unsaved += 1;
    return () => {
      unsaved -= 1;
    };
  }, [dirty]);
}

/** True when nothing is unsaved, or the user agrees to drop it. */
export function confirmDiscard(): boolean {
  return unsaved === 0 || window.confirm(LEAVE_QUESTION);
}
