import { AppError, type Principal, authenticate, resolveTenantAccess, tokenKind } from "@iot/core";

// Ingest keys: API keys holding payloads:write, limited to a tenant (payloads and the
// devices they provision belong to it) or platform-wide (a platform admin's key: the
// catalog). Resolved once and kept for a short while: the hot path must not hit the
// database for every request. A revoked key stops working within CACHE_MS.

export interface TIngestKey {
  keyId: string;
  tenantId: string | null;
}

const CACHE_MS = 30_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, { until: number; key: TIngestKey }>();

async function resolve(token: string): Promise<TIngestKey> {
  if (tokenKind(token) !== "apiKey") throw AppError.unauthorized("send an ingest API key as a Bearer token");
  const principal = (await authenticate(token)) as Principal;
  const apiKey = principal.apiKey;
  if (!apiKey) throw AppError.unauthorized("send an ingest API key as a Bearer token");
  if (apiKey.permissions.length && !apiKey.permissions.includes("payloads:write"))
    throw AppError.forbidden("this key lacks payloads:write");
  if (apiKey.tenantId) {
    const access = await resolveTenantAccess(principal, apiKey.tenantId);
    if (!access.permissions.has("payloads:write")) throw AppError.forbidden("this key lacks payloads:write");
    return { keyId: apiKey.id, tenantId: apiKey.tenantId };
  }
  if (!principal.isPlatformAdmin) throw AppError.forbidden("a key without a tenant must be a platform admin's");
  return { keyId: apiKey.id, tenantId: null };
}

export async function ingestKey(authorization: string | undefined, now = Date.now()): Promise<TIngestKey> {
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (!token) throw AppError.unauthorized("send an ingest API key as a Bearer token");
  const hit = cache.get(token);
  if (hit && hit.until > now) return hit.key;
  const key = await resolve(token);
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(token, { until: now + CACHE_MS, key });
  return key;
}
