import { ZCreateApiKeySchema, ZLoginSchema, createApiKey, listApiKeys, login, logout, revokeApiKey, myProfile } from "@iot/core";
import { withPlatform } from "@iot/db";
import { z } from "zod";
import { clearedSessionCookie, sessionCookie } from "../context";
import { authedProcedure, createRouter, publicProcedure } from "../trpc";

export const authRouter = createRouter({
  login: publicProcedure.input(ZLoginSchema).mutation(async ({ ctx, input }) => {
    ctx.audit.actorLabel = input.email;
    const session = await login(input);
    ctx.audit.principal = { ...session.user, userId: session.user.id, sessionId: null, apiKey: null };
    ctx.resHeaders.append("set-cookie", sessionCookie(session.token, session.expiresAt));
    return { token: session.token, expiresAt: session.expiresAt, user: session.user };
  }),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    if (ctx.principal.sessionId) await withPlatform((db) => logout(db, ctx.principal.sessionId as string));
    ctx.resHeaders.append("set-cookie", clearedSessionCookie());
    return { ok: true };
  }),

  me: authedProcedure.query(({ ctx }) => myProfile(ctx.principal, ctx.unsafeTenantId)),

  createApiKey: authedProcedure
    .input(ZCreateApiKeySchema)
    .mutation(({ ctx, input }) => withPlatform((db) => createApiKey(db, ctx.principal, input))),

  listApiKeys: authedProcedure.query(({ ctx }) => withPlatform((db) => listApiKeys(db, ctx.principal))),

  revokeApiKey: authedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => withPlatform((db) => revokeApiKey(db, ctx.principal, input.id))),
});
