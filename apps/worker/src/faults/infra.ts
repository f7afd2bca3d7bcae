import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

// Test support for the fault tests: private Redis and Postgres servers on spare ports,
// which a test may stop, kill and start again (never the shared servers), and the apps
// as child processes (node --import tsx apps/<app>/src/main.ts) pointed at them.

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Polls check until it returns a truthy value; throws what `what` says after timeoutMs. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(everyMs);
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** The newest PostgreSQL server's bin directory (Debian: /usr/lib/postgresql/<version>/bin). */
export function postgresBinDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], "bin");
  }
  const initdb = onPath("initdb");
  return initdb && existsSync(join(initdb, "..", "pg_ctl")) ? join(initdb, "..") : null;
}

export const redisServerBin = () => onPath("redis-server");

/** Why the private servers cannot be made here (null: they can). */
export function missingServers(): string | null {
  const missing = [
    ...(redisServerBin() ? [] : ["redis-server"]),
    ...(postgresBinDir() ? [] : ["the PostgreSQL server binaries (initdb, pg_ctl)"]),
  ];
  if (process.getuid?.() === 0 && !onPath("runuser")) missing.push("runuser");
  return missing.length ? `not installed: ${missing.join(", ")} (scripts/ensure-services.sh)` : null;
}

// ---- Redis ---------------------------------------------------------------------------------

/** A private redis-server (no persistence, as the project runs it): start, stop, kill, start again. */
export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private log = "";
  private disposed = false;

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  async start(): Promise<void> {
    // a test that timed out may still run after the cleanup: nothing must outlive it
    if (this.disposed) throw new Error("this Redis was disposed of");
    if (this.proc) return;
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    const proc = spawn(redisServerBin() ?? "redis-server", [...args, "--dir", tmpdir()], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    killOnExit.add(proc);
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    proc.once("exit", () => {
      killOnExit.delete(proc);
      if (this.proc === proc) this.proc = null;
    });
    await waitFor(`redis on ${this.port} (${this.log})`, () => this.ping(), 10_000, 50);
  }

  /** A clean shutdown (SIGTERM); with no persistence, everything it held is gone. */
  stop(): Promise<void> {
    return this.signal("SIGTERM");
  }

  kill(): Promise<void> {
    return this.signal("SIGKILL");
  }

  /** Killed, and never started again. */
  dispose(): Promise<void> {
    this.disposed = true;
    return this.kill();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill(signal);
    await exited;
  }

  /** Whether it answers PING. */
  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port: this.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once("error", () => done(false));
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (d) => done(d.toString().startsWith("+PONG")));
    });
  }
}

// ---- Postgres ------------------------------------------------------------------------------

/**
 * A throwaway PostgreSQL cluster: initdb into a temporary directory as the postgres OS user
 * (when running as root), started with pg_ctl on a spare port and a socket in that
 * directory; stop, start and restart; cleanup stops it and removes the directory.
 */
export class PrivatePostgres {
  private up = false;
  private disposed = false;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    if (!bin) throw new Error("no PostgreSQL server binaries");
    const dir = mkdtempSync(join(tmpdir(), "iot-faults-pg-"));
    const pg = new PrivatePostgres(await freePort(), dir, bin);
    cleanOnExit.add(pg);
    try {
      if (process.getuid?.() === 0) {
        const uid = execFileSync("id", ["-u", "postgres"]).toString().trim();
        const gid = execFileSync("id", ["-g", "postgres"]).toString().trim();
        chownSync(dir, Number(uid), Number(gid));
      }
      // trust on the loopback and the socket: a throwaway cluster only this test reaches
      await pg.as("initdb", ["-D", pg.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
      await pg.start();
    } catch (error) {
      await pg.cleanup();
      throw error;
    }
    return pg;
  }

  private get data(): string {
    return join(this.dir, "data");
  }

  get running(): boolean {
    return this.up;
  }

  /** A URL for this cluster's port as user (with password) on database. */
  url(user: string, database: string): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs one of the server's programs as the postgres OS user (root runs it through runuser). */
  private async as(program: string, args: string[]): Promise<string> {
    const exe = join(this.bin, program);
    const [cmd, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", exe, ...args]] : [exe, args];
    try {
      const { stdout } = await run(cmd, argv, { cwd: this.dir, timeout: 120_000 });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`${program} ${args.join(" ")} failed: ${e.stderr || e.message}\n${this.logTail()}`);
    }
  }

  logTail(): string {
    const log = join(this.dir, "log");
    return existsSync(log) ? readFileSync(log, "utf8").split("\n").slice(-20).join("\n") : "";
  }

  async start(): Promise<void> {
    if (this.disposed) throw new Error("this Postgres cluster was removed");
    // fsync off: nothing here must survive the machine, only the server (a stop, a crash)
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await this.as("pg_ctl", ["-D", this.data, "-l", join(this.dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
    this.up = true;
  }

  /** pg_ctl stop: "fast" disconnects the sessions and shuts down cleanly, "immediate" is a crash. */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.as("pg_ctl", ["-D", this.data, "-m", mode, "-w", "-t", "60", "stop"]);
    this.up = false;
  }

  /** Stopped, down for downMs, started again. */
  async restart(mode: "fast" | "immediate" = "fast", downMs = 0): Promise<void> {
    await this.stop(mode);
    await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async cleanup(): Promise<void> {
    this.disposed = true;
    cleanOnExit.delete(this);
    if (existsSync(join(this.data, "postmaster.pid"))) await this.stop("immediate").catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort when the test process exits without its afterAll. */
  cleanupSync(): void {
    try {
      if (existsSync(join(this.data, "postmaster.pid"))) {
        const exe = join(this.bin, "pg_ctl");
        const args = ["-D", this.data, "-m", "immediate", "-w", "stop"];
        if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", exe, ...args], { stdio: "ignore" });
        else execFileSync(exe, args, { stdio: "ignore" });
      }
    } catch {
      // nothing more to do on the way out
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the apps as child processes -----------------------------------------------------------

/** A node process running a TypeScript entry point with tsx; its output is kept. */
export class NodeChild {
  readonly proc: ChildProcess;
  output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
  ) {
    this.proc = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    killOnExit.add(this.proc);
    const keep = (chunk: Buffer) => {
      // the last 200 kB: enough to explain a failure
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    this.proc.stdout?.on("data", keep);
    this.proc.stderr?.on("data", keep);
    this.exited = new Promise((resolve) =>
      this.proc.once("exit", (code, signal) => {
        killOnExit.delete(this.proc);
        resolve({ code, signal });
      }),
    );
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits until url answers 200 (throws if the process exits first). */
  async waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${this.name} healthy at ${url}`,
      async () => {
        if (!this.alive) throw new Error(`${this.name} exited: ${this.output.slice(-2000)}`);
        return (await fetch(url).catch(() => null))?.ok ?? false;
      },
      timeoutMs,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${this.name} output:\n${this.output.slice(-3000)}`);
    });
  }

  /** SIGTERM, then SIGKILL after graceMs. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    this.proc.kill("SIGTERM");
    if ((await Promise.race([this.exited, sleep(graceMs, "timeout")])) === "timeout") await this.kill();
  }

  async kill(): Promise<void> {
    if (!this.alive) return;
    this.proc.kill("SIGKILL");
    await this.exited;
  }
}

/** Runs a TypeScript script to completion; its last stdout line, parsed as JSON. */
export async function runScript<T>(script: string, env: Record<string, string>, timeoutMs = 120_000): Promise<T> {
  const child = new NodeChild(script, script, env);
  let stdout = "";
  child.proc.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  const result = await Promise.race([child.exited, sleep(timeoutMs, null)]);
  if (!result) await child.kill();
  if (result?.code !== 0) throw new Error(`${script} failed (${JSON.stringify(result)}):\n${child.output.slice(-4000)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1) as string) as T;
}

// What is left running when the test process goes without its afterAll (a crash, a timeout).
const killOnExit = new Set<ChildProcess>();
const cleanOnExit = new Set<PrivatePostgres>();
process.once("exit", () => {
  for (const proc of killOnExit) proc.kill("SIGKILL");
  for (const pg of cleanOnExit) pg.cleanupSync();
});
