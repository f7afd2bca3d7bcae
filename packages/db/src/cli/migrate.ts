import { dbEnv } from "../env";
import { applyMigrations } from "../apply-migrations";

const applied = await applyMigrations(dbEnv().DATABASE_OWNER_URL);
console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database up to date");
