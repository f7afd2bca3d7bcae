"use client";
import type { AppRouter } from "@iot/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { TenantProvider, storedTenant } from "./tenant";
import { TRPCProvider, errorCode } from "./trpc";

const NO_RETRY = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS"]);

/** The tenant the console acts in, on every call. */
function headers(): Record<string, string> {
  const tenant = storedTenant();
  return tenant ? { "x-tenant-id": tenant } : {};
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: { staleTime: 10_000, retry: (count, error) => !NO_RETRY.has(errorCode(error) ?? "") && count < 2 },
        },
      }),
  );
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
        <TenantProvider>{children}</TenantProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
