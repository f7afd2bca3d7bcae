import { randomUUID } from "node:crypto";
import { hashToken, newToken } from "@iot/core";
import { withPlatform } from "@iot/db";

// Ingest keys for the webhook's tests: a user (member of the tenant, or platform admin)
// and an API key of theirs, written straight to the database.

export async function keyFor(opts: { tenantId: string | null; profiles?: string[]; platformAdmin?: boolean }) {
  const userId = randomUUID();
  const token = newToken("apiKey");
  await withPlatform(async (db) => {
    await db.user.create({
      data: {
        id: userId,
        email: `${userId}@ingest.test`,
        name: "k",
        passwordHash: "x",
        isPlatformAdmin: opts.platformAdmin ?? false,
      },
    });
    if (opts.tenantId)
      await db.membership.create({ data: { tenantId: opts.tenantId, userId, profiles: opts.profiles ?? ["admin"] } });
    await db.apiKey.create({
      data: {
        userId,
        name: "ingest",
        tokenHash: hashToken(token),
        prefix: token.slice(0, 12),
        tenantId: opts.tenantId,
        permissions: [],
      },
    });
  });
  return token;
}
