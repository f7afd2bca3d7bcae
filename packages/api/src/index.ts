export { appRouter, createCaller, type AppRouter } from "./root";
export { createContextFromRequest, createInnerContext, createPageContext, SESSION_COOKIE, type Context } from "./context";
export { handleCsvImport } from "./http/csv-import";
export { handleMeasuresExport } from "./http/export";
export { startEventBridges } from "./bridges";
export { callAsOwner } from "./call-as";
export { redis as webRedis } from "./queues";
