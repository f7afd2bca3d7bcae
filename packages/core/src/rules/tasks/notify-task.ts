import { Prisma } from "@iot/db";
import { z } from "zod";
import { defineTask } from "./task";

export const notifyTask = defineTask({
  name: "notify",
  label: "Notify",
  description:
    "Leaves a notification in the console for the tenant's members (or one of them, by e-mail address), and e-mails it when the platform has SMTP configured.",
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
    const { id, emails } = await ctx.services.tenant(async (db) => {
      const members = await db.$queryRaw<{ id: string; email: string }[]>`
        SELECT u.id, u.email FROM users u JOIN memberships m ON m.user_id = u.id
        WHERE m.tenant_id = ${db.tenantId}::uuid ${args.to ? Prisma.sql`AND lower(u.email) = lower(${args.to})` : Prisma.empty}`;
      if (args.to && !members[0]) throw new Error(`${args.to} is not a member of this tenant`);
      const [row] = await db.$queryRaw<{ id: string }[]>`
        INSERT INTO notifications (tenant_id, user_id, rule_id, title, body, level)
        VALUES (${db.tenantId}::uuid, ${args.to ? (members[0]?.id ?? null) : null}::uuid, ${ctx.rule.id}::uuid, ${args.title},
          ${args.body}, ${args.level})
        RETURNING id`;
      return { id: row?.id, emails: members.map((m) => m.email) };
    });
    if (ctx.services.sendMail && emails.length)
      await ctx.services.sendMail({ to: emails, subject: `[${args.level}] ${args.title}`, text: args.body || args.title });
    return { notificationId: id, to: args.to ?? "every member", emailed: ctx.services.sendMail ? emails.length : 0 };
  },
  describe: (args) => `notify ${args.to ?? "every member"}: "${args.title}"`,
});
