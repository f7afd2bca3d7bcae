import {
  ZTenantNameSchema,
  createTenant,
  deleteTenant,
  describeTenantGroups,
  getTenant,
  listTenants,
  updateTenant,
} from "@iot/core";
import { z } from "zod";
import { createRouter, platformProcedure } from "../trpc";

const ZTenantId = z.object({ id: z.string().uuid("must be a tenant id") });

export const tenantsRouter = createRouter({
  create: platformProcedure
    .input(z.object({ name: ZTenantNameSchema, group: z.string().min(1, "is required") }))
    .mutation(({ ctx, input }) => createTenant(ctx.db, input)),

  update: platformProcedure
    .input(
      ZTenantId.extend({
        name: ZTenantNameSchema.optional(),
        retentionDays: z.number().int().min(1).max(36_500).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateTenant(ctx.db, input)),

  delete: platformProcedure.input(ZTenantId).mutation(({ ctx, input }) => deleteTenant(ctx.db, input.id)),

  get: platformProcedure.input(ZTenantId).query(({ ctx, input }) => getTenant(ctx.db, input.id)),

  list: platformProcedure
    .input(
      z
        .object({
          query: z.string().trim().max(80).optional(),
          group: z.string().optional(),
          limit: z.number().int().min(1).max(200).default(50),
          offset: z.number().int().min(0).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(({ ctx, input }) => listTenants(ctx.db, input)),

  listGroups: platformProcedure.query(() => describeTenantGroups()),
});
