import { type PlatformDb, Prisma } from "@iot/db";
import { AppError } from "../errors";

// Login attempts are counted per email in Postgres, so every web replica sees the same
// count. Each attempt is counted *before* the password is checked, in one atomic
// statement, so parallel guesses cannot slip past the limit: past MAX_FAILURES within
// WINDOW the email is locked for LOCK. A successful login clears the count.
const MAX_FAILURES = Number(process.env.LOGIN_MAX_FAILURES ?? 5);
const WINDOW_SECONDS = 15 * 60;
const LOCK_SECONDS = Number(process.env.LOGIN_LOCK_SECONDS ?? 15 * 60);

export async function countLoginAttempt(db: PlatformDb, key: string, now = new Date()): Promise<void> {
  // a new window starts when the last one is over or its lock has expired
  const fresh = Prisma.sql`(login_throttle.window_start < ${now}::timestamptz - make_interval(secs => ${WINDOW_SECONDS})
    OR coalesce(login_throttle.locked_until <= ${now}, false))`;
  const rows = await db.$queryRaw<{ failures: number; locked_until: Date | null }[]>`
    INSERT INTO login_throttle (key, failures, window_start, locked_until)
    VALUES (${key}, 1, ${now}, NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN ${fresh} THEN 1 ELSE login_throttle.failures + 1 END,
      window_start = CASE WHEN ${fresh} THEN ${now} ELSE login_throttle.window_start END,
      locked_until = CASE
        WHEN ${fresh} THEN NULL
        WHEN login_throttle.failures + 1 >= ${MAX_FAILURES} AND login_throttle.locked_until IS NULL
          THEN ${now}::timestamptz + make_interval(secs => ${LOCK_SECONDS})
        ELSE login_throttle.locked_until END
    RETURNING failures, locked_until`;
  const row = rows[0];
  if (row && row.failures > MAX_FAILURES && row.locked_until && row.locked_until > now) {
    const retryAfterSeconds = Math.ceil((row.locked_until.getTime() - now.getTime()) / 1000);
    throw new AppError("TOO_MANY_REQUESTS", `too many failed logins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

export async function clearLoginAttempts(db: PlatformDb, key: string): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key } });
}
