import { AppError, type Principal, publicUserSelect } from "@iot/core";
import { withPlatform } from "@iot/db";
import { createInnerContext } from "./context";
import { callByPath } from "./procedures";
import { createCaller } from "./root";

/**
 * A procedure called by a rule or a schedule (callApi, API actions): as its owner, in its
 * tenant only, like an API key limited to that tenant. So it has no more than the owner's
 * permissions there (membership profiles, checked at call time), cannot name another
 * tenant, and cannot use platform procedures even when the owner is a platform admin.
 */
export async function callAsOwner(call: {
  ownerId: string | null;
  tenantId: string;
  path: string;
  input: unknown;
  /** Who calls, for the audit log: the rule or schedule. */
  actor: { id: string; name: string };
  signal?: AbortSignal;
}): Promise<unknown> {
  if (!call.ownerId)
    throw AppError.forbidden("no owner: save the rule or schedule once, so its API calls run with your permissions");
  const user = await withPlatform((db) =>
    db.user.findUnique({ where: { id: call.ownerId as string }, select: publicUserSelect }),
  );
  if (!user) throw AppError.forbidden("its owner no longer exists");
  const principal: Principal = {
    ...user,
    userId: user.id,
    sessionId: null,
    apiKey: { id: call.actor.id, name: call.actor.name, tenantId: call.tenantId, permissions: [] },
  };
  const ctx = { ...createInnerContext({ tenantId: call.tenantId }), trustedPrincipal: principal };
  const caller = createCaller(ctx, call.signal ? { signal: call.signal } : {});
  const known = call.path.split(".").length === 2;
  if (!known) throw AppError.badRequest(`not a procedure path: ${call.path}`);
  return callByPath(caller, call.path, call.input);
}
