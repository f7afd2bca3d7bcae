import { z } from "zod";
import { defineTask } from "./task";

export const callApiTask = defineTask({
  name: "callApi",
  label: "Call the API",
  description:
    "Runs an API procedure (e.g. assets.update) in this tenant as the rule's owner, with no more than the owner's permissions.",
  args: z
    .object({
      path: z
        .string()
        .regex(/^[a-zA-Z]+\.[a-zA-Z]+$/, "must be a procedure path such as assets.update")
        .refine((p) => !p.startsWith("auth.") && !p.endsWith(".subscribe"), "auth procedures and subscriptions cannot be called"),
      input: z.unknown().optional().describe("The procedure's input; templates welcome"),
    })
    .strict(),
  retrySafe: false,
  async run(ctx, args) {
    const output = await ctx.services.callApi({
      ownerId: ctx.rule.ownerId,
      tenantId: ctx.tenantId,
      path: args.path,
      input: args.input,
      actor: { id: ctx.rule.id, name: `rule ${ctx.rule.name}` },
      signal: ctx.signal,
    });
    return { path: args.path, output };
  },
  describe: (args) => `call ${args.path} with ${JSON.stringify(args.input ?? null)}`,
});
