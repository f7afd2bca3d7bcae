import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { testEnv } from "../../../scripts/test-env.mjs";
import { E2E_INGEST_PORT } from "../playwright.config";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * `npm run simulate` as a user runs it: posts through the e2e ingest webhook with the demo
 * seed's ingest key. `args`: the simulator's own (--devices, --rate, --duration...).
 * Resolves once it has exited and its output is read to the end, with its exit code and
 * what it printed; rejects if it could not be started.
 */
export function runSimulator(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env, ...testEnv() };
  const { key } = JSON.parse(readFileSync(env.DEMO_KEY_FILE, "utf8")) as { key: string };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/simulate.ts", ...args, "--key", key, "--url", `http://127.0.0.1:${E2E_INGEST_PORT}`],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
