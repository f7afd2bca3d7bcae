import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnect, prisma } from "./client";
import { dbEnv } from "./env";
import { withPlatform, withTenant } from "./scope";

// Isolation is enforced by Postgres itself, whatever the application code does.
describe("row-level security for the application role", () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    await withPlatform(async (db) => {
      await db.tenant.createMany({
        data: [
          { id: tenantA, name: `rls-a-${tenantA}`, group: "commons" },
          { id: tenantB, name: `rls-b-${tenantB}`, group: "commons" },
        ],
      });
      await db.tenantSettings.createMany({ data: [{ tenantId: tenantA }, { tenantId: tenantB }] });
    });
  });
  afterAll(async () => {
    await withPlatform((db) => db.tenant.deleteMany({ where: { id: { in: [tenantA, tenantB] } } }));
    await disconnect();
  });

  it("connects as a role that is neither superuser nor owner nor exempt from RLS", async () => {
    const [role] = await prisma().$queryRaw<{ rolsuper: boolean; rolbypassrls: boolean; owns: boolean }[]>`
      SELECT r.rolsuper, r.rolbypassrls,
             EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = current_user) AS owns
      FROM pg_roles r WHERE r.rolname = current_user`;
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owns: false });
  });

  it("sees no tenant rows when no tenant is set", async () => {
    const rows = await prisma().$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM tenant_settings`;
    expect(rows[0]?.n).toBe(0n);
    expect(await prisma().tenant.count()).toBe(0);
  });

  it("with tenant A set, reads only A's rows and cannot read B's", async () => {
    const rows = await withTenant(tenantA, (db) => db.tenantSettings.findMany());
    expect(rows.map((r) => r.tenantId)).toEqual([tenantA]);
    const b = await withTenant(tenantA, (db) => db.tenantSettings.findUnique({ where: { tenantId: tenantB } }));
    expect(b).toBeNull();
  });

  it("with tenant A set, cannot insert a row for tenant B (42501) nor change B's rows", async () => {
    const user = randomUUID();
    await withPlatform((db) =>
      db.user.createMany({ data: [{ id: user, email: `${user}@x.test`, name: "u", passwordHash: "x" }] }),
    );
    await expect(
      withTenant(
        tenantA,
        (db) =>
          db.$executeRaw`INSERT INTO memberships (tenant_id, user_id, profiles) VALUES (${tenantB}::uuid, ${user}::uuid, '{viewer}')`,
      ),
    ).rejects.toThrow(/row-level security|42501/);
    const changed = await withTenant(tenantA, (db) =>
      db.tenantSettings.updateMany({ where: { tenantId: tenantB }, data: { locale: "fr" } }),
    );
    expect(changed.count).toBe(0);
    await withPlatform((db) => db.user.delete({ where: { id: user } }));
  });

  it("a tenant scope can enrol only accounts created in its own transaction", async () => {
    const existing = randomUUID();
    await withPlatform((db) =>
      db.user.createMany({ data: [{ id: existing, email: `${existing}@x.test`, name: "u", passwordHash: "x" }] }),
    );
    await expect(
      withTenant(tenantA, (db) => db.membership.create({ data: { tenantId: tenantA, userId: existing, profiles: ["admin"] } })),
    ).rejects.toThrow(/row-level security|42501/);
    const fresh = randomUUID();
    await withTenant(tenantA, async (db) => {
      await db.user.createMany({ data: [{ id: fresh, email: `${fresh}@x.test`, name: "n", passwordHash: "x" }] });
      await db.membership.create({ data: { tenantId: tenantA, userId: fresh, profiles: ["viewer"] } });
    });
    expect(await withTenant(tenantA, (db) => db.membership.count({ where: { userId: fresh } }))).toBe(1);
    await withPlatform((db) => db.user.deleteMany({ where: { id: { in: [existing, fresh] } } }));
  });

  it("every table with a tenant_id column has RLS enabled, forced and a policy with WITH CHECK", async () => {
    const owner = new pg.Client({ connectionString: dbEnv().DATABASE_OWNER_URL });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ table: string; enabled: boolean; forced: boolean; checks: number }>(`
        SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
               (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname AND p.with_check IS NOT NULL) AS checks
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_name = c.relname AND k.column_name = 'tenant_id')`);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row, row.table).toMatchObject({ enabled: true, forced: true });
      for (const row of rows) expect(row.checks, row.table).toBeGreaterThan(0);
    } finally {
      await owner.end();
    }
  });
});

describe("scoped transaction clients", () => {
  it("keep their tenant and after-commit queue to themselves, even when transactions run at once", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const seen: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const first = withTenant(a, async (db) => {
      await gate;
      seen.push(db.tenantId);
    });
    await withTenant(b, async (db) => {
      seen.push(db.tenantId);
    });
    const platformSeesTenant = await withPlatform(async (db) => "tenantId" in db);
    release();
    await first;
    expect(seen).toEqual([b, a]);
    expect(platformSeesTenant).toBe(false);
  });
});

describe("twin search views", () => {
  it("show nothing without a tenant, only the tenant's rows with one, and cannot be written", async () => {
    const a = randomUUID();
    const b = randomUUID();
    await withPlatform(async (db) => {
      await db.tenant.createMany({
        data: [
          { id: a, name: `sv-a-${a}`, group: "commons" },
          { id: b, name: `sv-b-${b}`, group: "commons" },
        ],
      });
      await db.asset.createMany({
        data: [
          { tenantId: a, model: "Room", reference: "ra" },
          { tenantId: b, model: "Room", reference: "rb" },
        ],
      });
    });
    const none = await prisma().$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM assets_search`;
    expect(none[0]?.n).toBe(0);
    const seen = await withTenant(a, (db) => db.$queryRaw<{ reference: string }[]>`SELECT reference FROM assets_search`);
    expect(seen.map((r) => r.reference)).toEqual(["ra"]);
    await expect(withTenant(a, (db) => db.$executeRaw`UPDATE assets_search SET reference = 'x'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(
      withTenant(
        a,
        (db) =>
          db.$executeRaw`INSERT INTO devices_search (id, model, reference, tenant_id) VALUES (gen_random_uuid(), 'm', 'r', ${b}::uuid)`,
      ),
    ).rejects.toThrow(/permission denied/);
    await withPlatform((db) => db.tenant.deleteMany({ where: { id: { in: [a, b] } } }));
  });
});
