import { ZSearchAuditSchema, searchAudit } from "@iot/core";
import { createRouter, scopedProcedure } from "../trpc";

export const auditRouter = createRouter({
  search: scopedProcedure("audit:read")
    .input(ZSearchAuditSchema.default({ limit: 50 }))
    .query(({ ctx, input }) => searchAudit(ctx.scope.db, input)),
});
