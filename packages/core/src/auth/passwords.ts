import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

// scrypt from node:crypto: a slow, memory-hard KDF with no native dependency. The
// parameters are stored with each hash so they can be raised without breaking logins.
// Tests set PASSWORD_COST=low to keep hundreds of logins fast.
const COSTS = { normal: { N: 2 ** 15, r: 8, p: 1 }, low: { N: 2 ** 10, r: 8, p: 1 } };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = process.env.PASSWORD_COST === "low" ? COSTS.low : COSTS.normal;
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !N || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), Number(N), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;
/**
 * A hash of a random secret at the current cost, verified for unknown emails so that
 * the time a login takes does not tell whether the account exists.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString("base64"));
  return decoy;
}
