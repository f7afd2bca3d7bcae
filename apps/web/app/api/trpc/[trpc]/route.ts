import { appRouter, createContextFromRequest, startEventBridges } from "@iot/api";
import { setService } from "@iot/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

// The typed API for the console and for programs: POST/GET /api/trpc/<procedure>.
// Domain events of its procedures go live and to the rules from this process.
startEventBridges();
// this process is "web" in its metrics and its JSON logs
setService("web");
function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContextFromRequest(req, resHeaders),
  });
}

export { handler as GET, handler as POST };
