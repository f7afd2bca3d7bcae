import { testEnv } from "./test-env.mjs";

// Tests run against a database made fresh for this run: roles, database, migrations.
export default async function setup() {
  const env = testEnv();
  const { ensureDatabase } = await import("../packages/db/src/bootstrap");
  const { applyMigrations } = await import("../packages/db/src/apply-migrations");
  await ensureDatabase(env.DATABASE_ADMIN_URL, env.DATABASE_OWNER_URL, env.DATABASE_URL, { fresh: true });
  await applyMigrations(env.DATABASE_OWNER_URL);
}
