import { appRouter, createPageContext, SESSION_COOKIE } from "@iot/api";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { cookies } from "next/headers";
import { makeQueryClient } from "./query-client";
import { TENANT_COOKIE } from "./tenant-cookie";

/**
 * The API as a server component calls it while rendering a page, in process: the same
 * query options as the browser's (so what it fetches lands under the keys the page's
 * hooks read), into a query cache that is sent along with the HTML.
 */
export async function pageApi() {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value || null;
  const tenantId = jar.get(TENANT_COOKIE)?.value || null;
  const queryClient = makeQueryClient();
  const trpc = createTRPCOptionsProxy({ router: appRouter, ctx: createPageContext(token, tenantId), queryClient });
  return { trpc, queryClient, signedIn: Boolean(token), tenantId };
}
