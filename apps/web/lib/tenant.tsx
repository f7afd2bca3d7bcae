"use client";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, createContext, useCallback, useContext, useEffect, useState } from "react";
import { tenantCookie, tenantFromCookies } from "./tenant-cookie";

// The tenant the console acts in: kept in a cookie of this browser (the server reads it to
// render pages with their data) and sent as x-tenant-id with every API call (null: a
// platform admin acting on the platform). Earlier consoles kept it in local storage only:
// a value found there alone is moved into the cookie.
const LEGACY_KEY = "iot.tenant";

export function storedTenant(): string | null {
  if (typeof window === "undefined") return null;
  return tenantFromCookies(document.cookie) ?? window.localStorage.getItem(LEGACY_KEY);
}

function store(id: string | null) {
  // biome-ignore lint/suspicious/noDocumentCookie: the value is built by tenantCookie; the Cookie Store API is not in every browser the console serves
  document.cookie = tenantCookie(id);
  if (id) window.localStorage.setItem(LEGACY_KEY, id);
  else window.localStorage.removeItem(LEGACY_KEY);
}

const TenantContext = createContext<{ tenantId: string | null; setTenantId: (id: string | null) => void }>({
  tenantId: null,
  setTenantId: () => {},
});

/** `initial`: the tenant of the cookie the page was rendered with, so the server and the browser draw the same. */
export function TenantProvider({ initial, children }: { initial: string | null; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [tenantId, setState] = useState<string | null>(initial);
  useEffect(() => {
    const stored = storedTenant();
    if (stored && tenantFromCookies(document.cookie) !== stored) store(stored);
    setState(stored);
  }, []);
  const setTenantId = useCallback(
    (id: string | null) => {
      store(id);
      setState(id);
      // every cached answer belonged to the previous tenant
      queryClient.resetQueries();
    },
    [queryClient],
  );
  return <TenantContext.Provider value={{ tenantId, setTenantId }}>{children}</TenantContext.Provider>;
}

export const useTenant = () => useContext(TenantContext);
