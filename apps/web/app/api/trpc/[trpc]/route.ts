import { appRouter, createContextFromRequest } from "@iot/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

// The typed API for the console and for programs: POST/GET /api/trpc/<procedure>.
function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContextFromRequest(req, resHeaders),
  });
}

export { handler as GET, handler as POST };
