// `npm start`: database roles and migrations, the demo seed, a production build, then
// web (http://localhost:3000), ingest and worker side by side until Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };

function step(cmd, args) {
  console.log(`\n> ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.platform === "linux" && existsSync("/etc/debian_version") && process.getuid?.() === 0) {
  step("bash", ["scripts/ensure-services.sh"]);
}
step("npm", ["run", "db:setup"]);
step("npm", ["run", "db:seed"]);
step("npx", ["turbo", "run", "build"]);

// started directly, not through `npm run`, so that a signal reaches the process itself
const require = createRequire(import.meta.url);
const nextBin = require.resolve("next/dist/bin/next");
const processes = [
  { name: "web", cwd: "apps/web", args: [nextBin, "start", "-p", process.env.PORT ?? "3000"] },
  { name: "worker", cwd: "apps/worker", args: ["--import", "tsx", "src/main.ts"] },
  { name: "ingest", cwd: "apps/ingest", args: ["--import", "tsx", "src/main.ts"] },
].filter((p) => existsSync(p.cwd));

let stopping = false;
const children = processes.map(({ name, cwd, args }) => {
  const child = spawn(process.execPath, args, { cwd, stdio: "inherit", env });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping the others`);
      stop(code ?? 1);
    }
  });
  return child;
});

// a gentle simulation of the demo's devices once the webhook answers (SIMULATE=0: none);
// it is optional: if it stops, the platform goes on
const simulation = process.env.SIMULATE === "0" ? null : startSimulation();

async function startSimulation() {
  const url = `http://127.0.0.1:${process.env.INGEST_PORT ?? 3001}/healthz`;
  for (let i = 0; i < 120 && !stopping; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (stopping) return null;
  const args = ["--import", "tsx", "scripts/simulate.ts", "--devices", "8", "--rate", "2", "--quiet"];
  console.log("simulating the demo's 8 devices at 2 payloads/s (SIMULATE=0 to turn off)");
  return spawn(process.execPath, args, { stdio: "inherit", env });
}

function stop(code = 0) {
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  void simulation?.then((s) => s?.kill("SIGTERM"));
  setTimeout(() => process.exit(code), 10_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on("exit", r))))).then(() =>
    process.exit(code),
  );
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
