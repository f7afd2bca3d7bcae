import type { PlatformDb } from "@iot/db";

/**
 * Deletes sessions that ended (expired or revoked) more than `olderThanHours` ago and
 * throttle counters that no longer lock anyone, so these tables stay small.
 */
export async function purgeAuthRecords(db: PlatformDb, olderThanHours: number, now = new Date()) {
  const before = new Date(now.getTime() - olderThanHours * 3_600_000);
  const sessions = await db.session.deleteMany({ where: { OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }] } });
  const throttles = await db.loginThrottle.deleteMany({
    where: { windowStart: { lt: before }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return { sessions: sessions.count, throttles: throttles.count };
}
