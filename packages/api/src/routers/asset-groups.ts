import {
  ZCreateGroupSchema,
  ZGroupAssetsSchema,
  ZSearchGroupsSchema,
  ZUpdateGroupSchema,
  addAssetsToGroup,
  createGroup,
  deleteGroup,
  getGroup,
  removeAssetsFromGroup,
  searchGroups,
  updateGroup,
} from "@iot/core";
import { z } from "zod";
import { createRouter, tenantProcedure } from "../trpc";

const read = tenantProcedure("assets:read");
const write = tenantProcedure("assets:write");
const ZGroupId = z.object({ id: z.string().uuid("must be a group id") });

export const assetGroupsRouter = createRouter({
  create: write.input(ZCreateGroupSchema).mutation(({ ctx, input }) => createGroup(ctx.db, input)),
  get: read.input(ZGroupId).query(({ ctx, input }) => getGroup(ctx.db, input.id)),
  update: write.input(ZUpdateGroupSchema).mutation(({ ctx, input }) => updateGroup(ctx.db, input)),
  delete: write.input(ZGroupId).mutation(({ ctx, input }) => deleteGroup(ctx.db, input.id)),
  search: read.input(ZSearchGroupsSchema.default({ limit: 200 })).query(({ ctx, input }) => searchGroups(ctx.db, input)),
  addAssets: write.input(ZGroupAssetsSchema).mutation(({ ctx, input }) => addAssetsToGroup(ctx.db, input)),
  removeAssets: write.input(ZGroupAssetsSchema).mutation(({ ctx, input }) => removeAssetsFromGroup(ctx.db, input)),
});
