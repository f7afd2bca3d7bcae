import { z } from "zod";
import { defineTask } from "./task";

export const notifyTask = defineTask({
  name: "notify",
  label: "Notify",
  description: "Leaves a notification in the console for the tenant's members (or one of them, by e-mail address).",
  args: z
    .object({
      title: z.string().min(1).max(200),
      body: z.string().max(4000).default(""),
      level: z.enum(["info", "warning", "critical"]).default("info"),
      to: z.string().email().optional().describe("One member's e-mail; every member when not given"),
    })
    .strict(),
  retrySafe: false,
  async run(ctx, args) {
    const id = await ctx.services.tenant(async (db) => {
      let userId: string | null = null;
      if (args.to) {
        const rows = await db.$queryRaw<{ id: string }[]>`
          SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
          WHERE lower(u.email) = lower(${args.to}) AND m.tenant_id = ${db.tenantId}::uuid`;
        userId = rows[0]?.id ?? null;
        if (!userId) throw new Error(`${args.to} is not a member of this tenant`);
      }
      const [row] = await db.$queryRaw<{ id: string }[]>`
        INSERT INTO notifications (tenant_id, user_id, rule_id, title, body, level)
        VALUES (${db.tenantId}::uuid, ${userId}::uuid, ${ctx.rule.id}::uuid, ${args.title}, ${args.body}, ${args.level})
        RETURNING id`;
      return row?.id;
    });
    return { notificationId: id, to: args.to ?? "every member" };
  },
  describe: (args) => `notify ${args.to ?? "every member"}: "${args.title}"`,
});
