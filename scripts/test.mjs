// `npm test`: every test of the project on its own throwaway database.
//  0. lint and format (biome) and type checks of the packages (the web app's are part of
//     its build, step 2);
//  1. unit and integration tests (vitest), which make the test database fresh;
//  2. end-to-end tests of the console in Debian's Chromium (Playwright), when the web app exists.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { testEnv } from "./test-env.mjs";

const env = { ...process.env, ...testEnv(), NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" };

function run(cmd, args) {
  console.log(`\n> ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("npx", ["biome", "check", "."]);
run("npx", ["turbo", "run", "typecheck", "--filter=!@iot/web"]);
run("npx", ["tsc", "-p", "tsconfig.tools.json"]); // the seed, scripts and benchmarks
run("npx", ["vitest", "run"]);
if (existsSync("apps/web/playwright.config.ts")) run("npx", ["playwright", "test", "-c", "apps/web/playwright.config.ts"]);
