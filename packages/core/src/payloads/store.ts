import { createHash, randomUUID } from "node:crypto";
import { type PlatformDb, Prisma, type TenantDb } from "@iot/db";
import { getDecoder } from "../decoders/registry";
import { payloadShard } from "./shards";

// The payload outbox: every payload the webhook accepts is stored before it is answered,
// with its state; the ones to process are queued after (a sweeper re-queues what was
// stored but never queued, e.g. Redis was down).

export type TPayloadState = "RECEIVED" | "VALID" | "SKIP" | "ERROR" | "FAILED";

export interface TNewPayload {
  tenantId: string | null;
  apiKeyId: string | null;
  decoder: string;
  deviceModel: string;
  state: TPayloadState;
  reason: string | null;
  body: unknown;
  /** A content-derived id (contentId) for payloads that carry their time; else a random one. */
  id?: string;
  /** The webhook request that brought it (logs follow a payload by it). */
  requestId?: string | null;
}

/** The id of a payload from its content: the same body from the same scope is the same payload. */
export function contentId(scope: string | null, decoder: string, body: unknown): string {
  const hex = createHash("sha256")
    .update(`${scope ?? "platform"}\n${decoder}\n${JSON.stringify(body)}`)
    .digest("hex");
  // shaped as a UUID (version 5 style, variant 10)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16] as string, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Stores payloads in one multi-row insert; returns their ids in order. */
export async function storePayloads(db: PlatformDb, payloads: TNewPayload[]): Promise<string[]> {
  return (await storeOutbox(db, payloads)).ids;
}

/** Stores payloads in one insert; an id already stored (the same payload posted again) is a duplicate. */
export async function storeOutbox(db: PlatformDb, payloads: TNewPayload[]): Promise<{ ids: string[]; duplicate: boolean[] }> {
  const rows = payloads.map((p) => ({ ...p, id: p.id ?? randomUUID(), body: p.body }));
  if (!rows.length) return { ids: [], duplicate: [] };
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO payloads (id, tenant_id, api_key_id, decoder, device_model, state, reason, body, request_id)
    SELECT p.id, p.tenant_id, p.api_key_id, p.decoder, p.device_model, p.state, p.reason, p.body, p.request_id
    FROM jsonb_to_recordset(${JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        tenant_id: r.tenantId,
        api_key_id: r.apiKeyId,
        decoder: r.decoder,
        device_model: r.deviceModel,
        state: r.state,
        reason: r.reason,
        body: r.body,
        request_id: r.requestId ?? null,
      })),
    )}::jsonb) AS p(id uuid, tenant_id uuid, api_key_id uuid, decoder text, device_model text, state text, reason text, body jsonb, request_id text)
    ON CONFLICT (id) DO NOTHING
    RETURNING id`;
  // stored now: the first row of each id the insert returned (a body repeated in the same
  // insert is stored once); every other row is a duplicate of a stored payload
  const fresh = new Set(inserted.map((r) => r.id));
  const duplicate = rows.map((r) => !fresh.delete(r.id));
  return { ids: rows.map((r) => r.id), duplicate };
}

export async function markQueued(db: PlatformDb, ids: string[]): Promise<void> {
  if (ids.length) await db.$executeRaw`UPDATE payloads SET queued_at = now() WHERE id = ANY(${ids}::uuid[])`;
}

export interface TPayloadOutcome {
  id: string;
  state: TPayloadState;
  reason: string | null;
  devices: string[];
  measures: number;
  measuredFrom: Date | null;
  measuredTo: Date | null;
}

/** Settles a job's payloads in one UPDATE. */
export async function markProcessed(db: PlatformDb | TenantDb, outcomes: TPayloadOutcome[]): Promise<void> {
  if (!outcomes.length) return;
  await db.$executeRaw`
    UPDATE payloads SET state = o.state, reason = o.reason, devices = o.devices, measures = o.measures,
      measured_from = o.measured_from, measured_to = o.measured_to, processed_at = clock_timestamp()
    FROM jsonb_to_recordset(${JSON.stringify(
      outcomes.map((o) => ({
        id: o.id,
        state: o.state,
        reason: o.reason,
        devices: o.devices,
        measures: o.measures,
        measured_from: o.measuredFrom?.toISOString() ?? null,
        measured_to: o.measuredTo?.toISOString() ?? null,
      })),
    )}::jsonb) AS o(id uuid, state text, reason text, devices text[], measures int, measured_from timestamptz, measured_to timestamptz)
    WHERE payloads.id = o.id`;
}

export interface TStoredPayload {
  id: string;
  tenant_id: string | null;
  decoder: string;
  device_model: string;
  state: TPayloadState;
  body: unknown;
  devices: string[];
  measured_from: Date | null;
  measured_to: Date | null;
  request_id: string | null;
}

/** The payloads (in the order asked), only those still RECEIVED unless `all`. */
export async function loadPayloads(db: PlatformDb, ids: string[], opts: { all?: boolean } = {}): Promise<TStoredPayload[]> {
  const rows = await db.$queryRaw<TStoredPayload[]>`
    SELECT id, tenant_id, decoder, device_model, state, body, devices, measured_from, measured_to, request_id
    FROM payloads WHERE id = ANY(${ids}::uuid[]) ${opts.all ? Prisma.empty : Prisma.sql`AND state = 'RECEIVED'`}`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The shard of a stored payload: its decoder's routing key, as the webhook computed it. */
export function shardOfPayload(p: { decoder: string; device_model: string; body: unknown }): number {
  const decoder = getDecoder(p.decoder);
  let key = "";
  try {
    key = decoder?.routingKey(p.body) ?? "";
  } catch {
    // a body its decoder cannot route still goes somewhere: the pipeline will say why
  }
  return payloadShard(p.device_model, key);
}

/** Stored but never queued, for the sweeper (oldest first), with their shard. */
export async function unqueuedPayloads(
  db: PlatformDb,
  olderThanMs: number,
  limit: number,
): Promise<{ id: string; shard: number }[]> {
  const rows = await db.$queryRaw<{ id: string; decoder: string; device_model: string; body: unknown }[]>`
    SELECT id, decoder, device_model, body FROM payloads
    WHERE state = 'RECEIVED' AND queued_at IS NULL AND received_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY received_at LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, shard: shardOfPayload(r) }));
}

/** Payloads of a job that gave up: FAILED with the last error, unless already settled. */
export async function markFailed(db: PlatformDb, ids: string[], reason: string): Promise<void> {
  if (ids.length)
    await db.$executeRaw`UPDATE payloads SET state = 'FAILED', reason = ${reason}, processed_at = now() WHERE id = ANY(${ids}::uuid[]) AND state = 'RECEIVED'`;
}
