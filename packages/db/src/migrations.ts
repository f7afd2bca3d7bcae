import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// Prisma's CLI needs a schema-engine binary downloaded from outside the npm registry.
// The same engine is published as WebAssembly; loaded here by hand (Node cannot import
// a .wasm module), it diffs schemas to write new migrations. Migrations are applied by
// apply-migrations.ts (the WebAssembly engine splits scripts on every semicolon, which
// breaks function bodies).

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const migrationsDir = join(repoRoot, "prisma", "migrations");
export const schemaDir = join(repoRoot, "prisma", "schema");

interface SchemaFile {
  path: string;
  content: string;
}

type Engine = {
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
