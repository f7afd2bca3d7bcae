import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { withPlatform } from "@iot/db";

// Readiness: can this process do its work now? Postgres answers, every migration of this
// build is applied (a process newer than its database is not ready), Redis answers.
// Liveness (/healthz) is only "the process runs"; a supervisor restarts on that, a load
// balancer routes on this.

export interface TReadiness {
  ok: boolean;
  postgres: string;
  migrations: string;
  redis: string;
}

const TIMEOUT_MS = 2000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS).unref(),
    ),
  ]);
}

/** prisma/migrations of the checkout this process runs from (MIGRATIONS_DIR to say otherwise). */
function defaultMigrationsDir(): string {
  if (process.env.MIGRATIONS_DIR) return process.env.MIGRATIONS_DIR;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "prisma", "migrations"))) return join(dir, "prisma", "migrations");
    if (dirname(dir) === dir) return join(process.cwd(), "prisma", "migrations");
  }
}

let expected: Promise<string[]> | null = null;
/** The migrations this build ships, read once. */
function shippedMigrations(dir: string): Promise<string[]> {
  expected ??= readdir(dir, { withFileTypes: true }).then((entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name));
  return expected;
}

export async function readiness(
  opts: { redis?: { ping(): Promise<string> } | null; migrationsDir?: string } = {},
): Promise<TReadiness> {
  const report: TReadiness = { ok: false, postgres: "ok", migrations: "ok", redis: opts.redis ? "ok" : "not used" };
  try {
    const applied = await within(
      withPlatform(
        (db) =>
          db.$queryRaw<{ name: string }[]>`
            SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      ),
      "postgres",
    );
    const have = new Set(applied.map((m) => m.name));
    const missing = (await shippedMigrations(opts.migrationsDir ?? defaultMigrationsDir())).filter((m) => !have.has(m));
    if (missing.length) report.migrations = `${missing.length} not applied: ${missing.slice(0, 3).join(", ")}`;
  } catch (error) {
    report.postgres = (error as Error).message;
    report.migrations = "unknown";
  }
  if (opts.redis) {
    try {
      const pong = await within(opts.redis.ping(), "redis");
      if (pong !== "PONG") report.redis = `answered ${pong}`;
    } catch (error) {
      report.redis = (error as Error).message;
    }
  }
  report.ok = report.postgres === "ok" && report.migrations === "ok" && (report.redis === "ok" || report.redis === "not used");
  return report;
}
