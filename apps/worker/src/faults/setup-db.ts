// Run as a child process by the fault tests (node --import tsx), with DATABASE_ADMIN_URL,
// DATABASE_OWNER_URL and DATABASE_URL naming a private cluster (@iot/db reads them once
// per process): the roles, database and migrations with the project's own bootstrap, the
// decoders' device models, then FAULT_TENANTS tenants of the commons group, each with an
// ingest key (an admin member's key, payloads:write). Prints [{ tenantId, token }] as JSON.
import { randomUUID } from "node:crypto";
import { createTenant, ensureDecoderModels, hashToken, newToken } from "@iot/core";
import { dbEnv, disconnect, withPlatform } from "@iot/db";
import { applyMigrations } from "../../../../packages/db/src/apply-migrations";
import { ensureDatabase } from "../../../../packages/db/src/bootstrap";

const env = dbEnv();
await ensureDatabase(env.DATABASE_ADMIN_URL, env.DATABASE_OWNER_URL, env.DATABASE_URL, { fresh: true });
await applyMigrations(env.DATABASE_OWNER_URL);

const tenants = await withPlatform(async (db) => {
  await ensureDecoderModels(db);
  const made: { tenantId: string; token: string }[] = [];
  for (let i = 0; i < Number(process.env.FAULT_TENANTS ?? 1); i++) {
    const tenant = await createTenant(db, { name: `Faults ${i + 1}`, group: "commons" });
    const userId = randomUUID();
    const token = newToken("apiKey");
    await db.user.create({ data: { id: userId, email: `${userId}@faults.test`, name: "faults", passwordHash: "x" } });
    await db.membership.create({ data: { tenantId: tenant.id, userId, profiles: ["admin"] } });
    const key = { name: "faults ingest", tokenHash: hashToken(token), prefix: token.slice(0, 12), tenantId: tenant.id };
    await db.apiKey.create({ data: { ...key, userId, permissions: ["payloads:write"] } });
    made.push({ tenantId: tenant.id, token });
  }
  return made;
});
await disconnect();
console.log(JSON.stringify(tenants));
