import { createHash, randomBytes } from "node:crypto";

// Session tokens and API keys are random secrets shown once; only their SHA-256 is stored.
export type TokenKind = "session" | "apiKey";
const PREFIX: Record<TokenKind, string> = { session: "iots_", apiKey: "iotk_" };

export function newToken(kind: TokenKind): string {
  return PREFIX[kind] + randomBytes(32).toString("base64url");
}

export function tokenKind(token: string): TokenKind | null {
  if (token.startsWith(PREFIX.session)) return "session";
  if (token.startsWith(PREFIX.apiKey)) return "apiKey";
  return null;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
