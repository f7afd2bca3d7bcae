import { listDecoders } from "@iot/core";
import { createRouter, scopedProcedure } from "../trpc";

// The public address of the payload webhook (apps/ingest), for the routes the console shows.
const INGEST_PUBLIC_URL = process.env.INGEST_PUBLIC_URL ?? "http://localhost:3001";

export const payloadsRouter = createRouter({
  listDecoders: scopedProcedure("payloads:read").query(() => listDecoders(INGEST_PUBLIC_URL)),
});
