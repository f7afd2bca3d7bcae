import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// Prisma's CLI needs a schema-engine binary downloaded from outside the npm registry.
// The same engine is published as WebAssembly; loaded here by hand (Node cannot import
// a .wasm module), it applies prisma/migrations exactly like `prisma migrate deploy`,
// recording them in _prisma_migrations, and diffs schemas to write new migrations.

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const migrationsDir = join(repoRoot, "prisma", "migrations");
export const schemaDir = join(repoRoot, "prisma", "schema");

interface SchemaFile {
  path: string;
  content: string;
}

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
};

// Node has WebAssembly; @types/node for Node 20 does not declare it.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

const noFilter = { externalTables: [], externalEnums: [] };

async function loadEngine(connectionString: string, datamodels: SchemaFile[]): Promise<Engine> {
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const pkgDir = dirname(bgPath);
  const bindings = await import(bgPath);
  const bytes = await readFile(join(pkgDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const log = (message: string) => {
    if (process.env.DEBUG_MIGRATIONS) console.error(message);
  };
  return bindings.SchemaEngine.new({ datamodels: datamodels.map((f) => [f.path, f.content]) }, log, adapter) as Promise<Engine>;
}

export async function readSchemaFiles(dir = schemaDir): Promise<SchemaFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".prisma")).sort();
  return Promise.all(names.map(async (n) => ({ path: join(dir, n), content: await readFile(join(dir, n), "utf8") })));
}

async function migrationsList() {
  const dirs = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const lockPath = join(migrationsDir, "migration_lock.toml");
  const lock = await readFile(lockPath, "utf8").catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lock },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      dirs.map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(join(migrationsDir, name, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok", value }),
            (e: Error) => ({ tag: "error", value: e.message }),
          ),
        },
      })),
    ),
  };
}

/** Applies every migration not yet recorded; returns the names applied now. */
export async function applyMigrations(ownerUrl: string): Promise<string[]> {
  const engine = await loadEngine(ownerUrl, await readSchemaFiles());
  try {
    const out = await engine.applyMigrations({ migrationsList: await migrationsList(), filters: noFilter });
    return out.appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/** The SQL that turns the `from` schema (none: an empty database) into `to`. */
export async function diffSchemas(ownerUrl: string, from: SchemaFile[] | null, to: SchemaFile[]): Promise<string> {
  const engine = await loadEngine(ownerUrl, to);
  try {
    const out = await engine.diff({
      from: from ? { tag: "schemaDatamodel", files: from } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: to },
      script: true,
      exitCode: null,
      filters: noFilter,
    });
    return out.stdout ?? "";
  } finally {
    engine.free();
  }
}
