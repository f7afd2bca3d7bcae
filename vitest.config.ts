import { defineConfig } from "vitest/config";
import { testEnv } from "./scripts/test-env.mjs";

// Unit and integration tests of every package, against a throwaway database made fresh
// for the run by the global setup.
export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/web/components/**/*.test.ts",
      "apps/web/lib/**/*.test.ts",
    ],
    env: testEnv(),
    globalSetup: ["./scripts/vitest-global-setup.ts"],
    pool: "forks",
    // the export test measures retained memory after forced collections
    execArgv: ["--expose-gc"],
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
