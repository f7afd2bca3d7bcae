"use client";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, createContext, useCallback, useContext, useEffect, useState } from "react";

// The tenant the console acts in: kept in this browser's storage, sent as x-tenant-id
// with every API call (null: a platform admin acting on the platform).
const KEY = "iot.tenant";

export function storedTenant(): string | null {
  if (typeof window === "undefined") return null;
  return window.localStorage.getItem(KEY);
}

const TenantContext = createContext<{ tenantId: string | null; setTenantId: (id: string | null) => void }>({
  tenantId: null,
  setTenantId: () => {},
});

export function TenantProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [tenantId, setState] = useState<string | null>(null);
  useEffect(() => setState(storedTenant()), []);
  const setTenantId = useCallback(
    (id: string | null) => {
      if (id) window.localStorage.setItem(KEY, id);
      else window.localStorage.removeItem(KEY);
      setState(id);
      // every cached answer belonged to the previous tenant
      queryClient.resetQueries();
    },
    [queryClient],
  );
  return <TenantContext.Provider value={{ tenantId, setTenantId }}>{children}</TenantContext.Provider>;
}

export const useTenant = () => useContext(TenantContext);
