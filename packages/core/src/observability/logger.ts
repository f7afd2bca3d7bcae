import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";

// Logs are JSON lines (pino), one logger per process named for the service, at the level
// LOG_LEVEL sets (info by default; debug shows each payload's steps). A request id, given
// by the caller in x-request-id or made here, goes with a payload from the webhook into
// its job and through the worker's steps, so grep on it follows the payload end to end.

export type { Logger } from "pino";

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}

let serviceName = "iot";
let shared: Logger | null = null;

/** Names the process's shared logger (setService does it with the metrics' label). */
export function nameService(name: string): void {
  serviceName = name;
  shared = null;
}

/** The process's shared logger, for code that serves every app (core, the API). */
export function serviceLogger(): Logger {
  shared ??= createLogger(serviceName);
  return shared;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The caller's request id when it is a sane one (letters, digits, . _ : -, up to 64), else a new one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
}
