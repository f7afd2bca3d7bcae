import { type PlatformDb, withPlatform } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { decoyHash, verifyPassword } from "./passwords";
import { clearLoginAttempts, countLoginAttempt } from "./throttle";
import { hashToken, newToken } from "./tokens";

export const SESSION_TTL_MS = Number(process.env.SESSION_TTL_HOURS ?? 24 * 7) * 3_600_000;

export const ZLoginSchema = z.object({
  email: z.string().trim().toLowerCase().email("must be an email address"),
  password: z.string().min(1, "is required").max(1024),
});

export const publicUserSelect = { id: true, email: true, name: true, isPlatformAdmin: true } as const;
export type TPublicUser = { id: string; email: string; name: string; isPlatformAdmin: boolean };

/**
 * Checks the password and opens a session. Wrong email and wrong password give the
 * same error in the same time. The throttle is written in its own transaction so a
 * failure is counted even though the login throws.
 */
export async function login(input: z.infer<typeof ZLoginSchema>, now = new Date()) {
  const key = `email:${input.email}`;
  // the attempt is counted (and refused past the limit) before the password is checked
  await withPlatform((db) => countLoginAttempt(db, key, now));
  const user = await withPlatform((db) =>
    db.user.findUnique({ where: { email: input.email }, select: { ...publicUserSelect, passwordHash: true } }),
  );
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) throw AppError.unauthorized("wrong email or password");
  const token = newToken("session");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await withPlatform(async (db) => {
    await clearLoginAttempts(db, key);
    await db.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
  });
  const { passwordHash: _, ...publicUser } = user;
  return { token, expiresAt, user: publicUser };
}

/** Revokes the session of this token; a revoked or unknown token is left as it is. */
export async function logout(db: PlatformDb, sessionId: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/**
 * Ends every session and revokes every API key of a user: when someone else sets their
 * password, or when their account becomes shared with another tenant (whose admins must
 * not inherit credentials made before). Credentials are platform data, so this runs in
 * its own platform transaction; callers queue it after their commit.
 */
export async function endCredentialsOf(userId: string): Promise<void> {
  const now = new Date();
  await withPlatform(async (db) => {
    await db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
    await db.apiKey.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  });
}
