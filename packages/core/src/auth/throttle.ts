import type { PlatformDb } from "@iot/db";
import { AppError } from "../errors";

// Failed logins are counted per email in Postgres, so every web replica sees the same
// count. MAX_FAILURES within WINDOW lock the email for LOCK; a success clears the count.
const MAX_FAILURES = Number(process.env.LOGIN_MAX_FAILURES ?? 5);
const WINDOW_MS = 15 * 60_000;
const LOCK_MS = Number(process.env.LOGIN_LOCK_SECONDS ?? 15 * 60) * 1000;

export async function assertNotThrottled(db: PlatformDb, key: string, now = new Date()): Promise<void> {
  const row = await db.loginThrottle.findUnique({ where: { key } });
  if (row?.lockedUntil && row.lockedUntil > now) {
    const retryAfterSeconds = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
    throw new AppError("TOO_MANY_REQUESTS", `too many failed logins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export async function recordLoginFailure(db: PlatformDb, key: string, now = new Date()): Promise<void> {
  const row = await db.loginThrottle.findUnique({ where: { key } });
  const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MS;
  const failures = fresh ? 1 : row.failures + 1;
  const data = {
    failures,
    windowStart: fresh ? now : row.windowStart,
    lockedUntil: failures >= MAX_FAILURES ? new Date(now.getTime() + LOCK_MS) : null,
  };
  await db.loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
}

export async function clearLoginFailures(db: PlatformDb, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
