import {
  ZCreateUserSchema,
  ZProfileChangeSchema,
  ZSearchUsersSchema,
  ZUpdateUserSchema,
  addProfile,
  createUser,
  deleteUser,
  getUser,
  removeProfile,
  searchUsers,
  updateUser,
} from "@iot/core";
import { z } from "zod";
import { createRouter, scopedProcedure } from "../trpc";

const read = scopedProcedure("users:read");
const manage = scopedProcedure("users:manage");
const ZUserId = z.object({ id: z.string().uuid("must be a user id") });

export const usersRouter = createRouter({
  create: manage.input(ZCreateUserSchema).mutation(({ ctx, input }) => createUser(ctx.scope, input)),
  update: manage.input(ZUpdateUserSchema).mutation(({ ctx, input }) => updateUser(ctx.scope, input)),
  delete: manage.input(ZUserId).mutation(({ ctx, input }) => deleteUser(ctx.scope, input.id)),
  get: read.input(ZUserId).query(({ ctx, input }) => getUser(ctx.scope, input.id)),
  search: read
    .input(ZSearchUsersSchema.default({ limit: 50, offset: 0 }))
    .query(({ ctx, input }) => searchUsers(ctx.scope, input)),
  addProfile: manage.input(ZProfileChangeSchema).mutation(({ ctx, input }) => addProfile(ctx.scope, input)),
  removeProfile: manage.input(ZProfileChangeSchema).mutation(({ ctx, input }) => removeProfile(ctx.scope, input)),
});
