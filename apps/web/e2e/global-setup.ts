import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { testEnv } from "../../../scripts/test-env.mjs";
import { E2E_ADMIN } from "./fixtures";

// The test database (made fresh by the vitest run before, or migrated here when the
// browser tests run alone) with the e2e admin seeded.
const root = fileURLToPath(new URL("../../..", import.meta.url));

export default async function globalSetup() {
  const env = { ...process.env, ...testEnv(), ADMIN_EMAIL: E2E_ADMIN.email, ADMIN_PASSWORD: E2E_ADMIN.password };
  execFileSync("npm", ["run", "db:setup"], { cwd: root, env, stdio: "inherit" });
  execFileSync("npm", ["run", "db:seed"], { cwd: root, env, stdio: "inherit" });
}
