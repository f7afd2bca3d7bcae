import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { keysetBefore, keysetPage, ZKeysetCursor } from "../keyset";

// In-app notifications left by the notify task: for one member or for every member of
// the tenant, each member reading them on their own.

export const ZNotificationListSchema = z.object({
  unreadOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(100).default(20),
  cursor: ZKeysetCursor.optional(),
});

interface NotificationRow {
  id: string;
  title: string;
  body: string;
  level: "info" | "warning" | "critical";
  rule_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

const present = (r: NotificationRow) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  level: r.level,
  ruleId: r.rule_id,
  createdAt: r.created_at,
  readAt: r.read_at,
});

/** The caller's notifications, newest first, with how many are unread. */
export async function listNotifications(db: TenantDb, userId: string, input: z.output<typeof ZNotificationListSchema>) {
  const mine = Prisma.sql`n.tenant_id = ${db.tenantId}::uuid AND (n.user_id IS NULL OR n.user_id = ${userId}::uuid)`;
  const where = [mine];
  if (input.unreadOnly) where.push(Prisma.sql`r.read_at IS NULL`);
  if (input.cursor) where.push(keysetBefore(input.cursor, Prisma.sql`n.created_at`, Prisma.sql`n.id`));
  const rows = await db.$queryRaw<NotificationRow[]>`
    SELECT n.id, n.title, n.body, n.level, n.rule_id, n.created_at, r.read_at
    FROM notifications n LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = ${userId}::uuid
    WHERE ${Prisma.join(where, " AND ")} ORDER BY n.created_at DESC, n.id DESC LIMIT ${input.limit + 1}`;
  const [unread] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM notifications n
    WHERE ${mine} AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = ${userId}::uuid)`;
  return { ...keysetPage(rows.map(present), input.limit, (n) => n.createdAt), unread: unread?.n ?? 0 };
}

export const ZNotificationReadSchema = z.union([
  z.object({ ids: z.array(z.string().uuid()).min(1).max(500) }),
  z.object({ all: z.literal(true) }),
]);

/** Marks the caller's notifications read (some, or all); returns how many were newly read. */
export async function markNotificationsRead(db: TenantDb, userId: string, input: z.output<typeof ZNotificationReadSchema>) {
  const which = "ids" in input ? Prisma.sql`AND n.id = ANY(${input.ids}::uuid[])` : Prisma.empty;
  const read = await db.$executeRaw`
    INSERT INTO notification_reads (notification_id, user_id, tenant_id)
    SELECT n.id, ${userId}::uuid, n.tenant_id FROM notifications n
    WHERE n.tenant_id = ${db.tenantId}::uuid AND (n.user_id IS NULL OR n.user_id = ${userId}::uuid) ${which}
    ON CONFLICT DO NOTHING`;
  return { read };
}
