import pg from "pg";

// Creates what migrations cannot: the two login roles and the database. Runs as a
// superuser (DATABASE_ADMIN_URL) and is safe to run again.
//  - the owner role owns the schema and runs migrations;
//  - the application role (web, worker, ingest) is neither superuser nor owner, so
//    row-level security applies to every query it makes. It gets its table grants
//    through the group role iot_application, which migrations grant to.

export const APP_GROUP_ROLE = "iot_application";

interface Conn {
  user: string;
  password: string;
  database: string;
}

function parse(url: string): Conn {
  const u = new URL(url);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) };
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function ensureDatabase(adminUrl: string, ownerUrl: string, appUrl: string, opts: { fresh?: boolean } = {}) {
  const owner = parse(ownerUrl);
  const app = parse(appUrl);
  if (owner.database !== app.database) throw new Error("DATABASE_URL and DATABASE_OWNER_URL must name the same database");
  if (owner.user === app.user) throw new Error("the application role must not be the owner role");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await ensureRole(admin, APP_GROUP_ROLE, "NOLOGIN");
    await ensureRole(admin, owner.user, `LOGIN BYPASSRLS PASSWORD ${literal(owner.password)}`);
    await ensureRole(admin, app.user, `LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${literal(app.password)}`);
    await admin.query(`GRANT ${ident(APP_GROUP_ROLE)} TO ${ident(app.user)}`);
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [owner.database]);
    if (exists.rowCount && opts.fresh) {
      await admin.query(`DROP DATABASE ${ident(owner.database)} WITH (FORCE)`);
    }
    if (!exists.rowCount || opts.fresh) {
      await admin.query(`CREATE DATABASE ${ident(owner.database)} OWNER ${ident(owner.user)}`);
    }
    await admin.query(`GRANT CONNECT ON DATABASE ${ident(owner.database)} TO ${ident(APP_GROUP_ROLE)}`);
  } finally {
    await admin.end();
  }
}

async function ensureRole(admin: pg.Client, name: string, options: string) {
  const found = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name]);
  await admin.query(`${found.rowCount ? "ALTER" : "CREATE"} ROLE ${ident(name)} WITH ${options}`);
}
