import type { Principal } from "../auth/principal";
import { AppError } from "../errors";

// A rule or schedule that calls the API acts later as its owner, with the owner's
// permissions in the tenant. Saved through an API key limited to some permissions, it
// would let that key do what its user may but the key may not: refused.

export function assertMayDelegate(principal: Principal, callsApi: boolean): void {
  if (callsApi && principal.apiKey?.permissions.length)
    throw AppError.forbidden(
      "an API key limited to some permissions cannot save a rule or schedule that calls the API (it would run with all of its user's permissions): use the console or an unlimited key",
    );
}

export const ruleCallsApi = (rule: { steps: { task: string }[] }) => rule.steps.some((s) => s.task === "callApi");
