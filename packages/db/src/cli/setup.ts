import { ensureDatabase } from "../bootstrap";
import { dbEnv } from "../env";
import { applyMigrations } from "../apply-migrations";

// Roles, database and migrations in one step: `npm run db:setup [-- --fresh]`.
const env = dbEnv();
await ensureDatabase(env.DATABASE_ADMIN_URL, env.DATABASE_OWNER_URL, env.DATABASE_URL, {
  fresh: process.argv.includes("--fresh"),
});
const applied = await applyMigrations(env.DATABASE_OWNER_URL);
console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database up to date");
