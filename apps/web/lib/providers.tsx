"use client";
import type { AppRouter } from "@iot/api";
import { QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { makeQueryClient } from "./query-client";
import { TenantProvider, storedTenant } from "./tenant";
import { TRPCProvider } from "./trpc";

/** The tenant the console acts in, on every call. */
function headers(): Record<string, string> {
  const tenant = storedTenant();
  return tenant ? { "x-tenant-id": tenant } : {};
}

/** `tenantId`: the tenant cookie the page was rendered with. */
export function Providers({ tenantId, children }: { tenantId: string | null; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          // live streams over server-sent events (the session cookie authenticates them;
          // the tenant is in their input, EventSource sends no headers)
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: splitLink({
            // queries stream their answers as each is ready, so a page's fast calls do not wait
            // for its slowest; mutations answer whole, since they may set cookies (sign in, out)
            // that a streamed answer has sent its headers before
            condition: (op) => op.type === "query",
            true: httpBatchStreamLink({ url: "/api/trpc", transformer: superjson, headers }),
            false: httpBatchLink({ url: "/api/trpc", transformer: superjson, headers }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <TenantProvider initial={tenantId}>{children}</TenantProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
