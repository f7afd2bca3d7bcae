import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { dbEnv } from "../env";
import { diffSchemas, migrationsDir, readSchemaFiles, repoRoot, schemaDir } from "../migrations";

// Writes a new migration from the difference between the schema at a git ref (default
// HEAD) and the working tree: `npm run db:diff -- <name> [--from <ref>|--from-empty]`.
// Row-level security, grants and functions are then added to it by hand.
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith("--"));
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:diff -- <snake_case_name> [--from <git ref> | --from-empty]");
  process.exit(2);
}
const fromEmpty = args.includes("--from-empty");
const ref = args[args.indexOf("--from") + 1] ?? "HEAD";

function schemaAt(gitRef: string) {
  const rel = relative(repoRoot, schemaDir);
  const names = execFileSync("git", ["ls-tree", "--name-only", `${gitRef}:${rel}`], { cwd: repoRoot, encoding: "utf8" })
    .split("\n")
    .filter((n) => n.endsWith(".prisma"));
  return names.map((n) => ({
    path: join(schemaDir, n),
    content: execFileSync("git", ["show", `${gitRef}:${rel}/${n}`], { cwd: repoRoot, encoding: "utf8" }),
  }));
}

const sql = await diffSchemas(
  dbEnv().DATABASE_OWNER_URL,
  fromEmpty ? null : schemaAt(args.includes("--from") ? ref : "HEAD"),
  await readSchemaFiles(),
);
if (!sql.trim() || sql.includes("This is an empty migration")) {
  console.log("no schema change");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = join(migrationsDir, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "migration.sql"), sql);
console.log(`wrote ${relative(repoRoot, dir)}/migration.sql`);
