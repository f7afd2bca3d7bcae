import { randomUUID } from "node:crypto";
import type { PlatformDb } from "@iot/db";

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
}

/** Stores payloads in one multi-row insert; returns their ids in order. */
export async function storePayloads(db: PlatformDb, payloads: TNewPayload[]): Promise<string[]> {
  const rows = payloads.map((p) => ({ ...p, id: randomUUID(), body: p.body }));
  if (!rows.length) return [];
  await db.$executeRaw`
    INSERT INTO payloads (id, tenant_id, api_key_id, decoder, device_model, state, reason, body)
    SELECT p.id, p.tenant_id, p.api_key_id, p.decoder, p.device_model, p.state, p.reason, p.body
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
      })),
    )}::jsonb) AS p(id uuid, tenant_id uuid, api_key_id uuid, decoder text, device_model text, state text, reason text, body jsonb)`;
  return rows.map((r) => r.id);
}

export async function markQueued(db: PlatformDb, ids: string[]): Promise<void> {
  if (ids.length) await db.$executeRaw`UPDATE payloads SET queued_at = now() WHERE id = ANY(${ids}::uuid[])`;
}

export async function markProcessed(
  db: PlatformDb,
  id: string,
  outcome: { state: TPayloadState; reason?: string | null; devices?: string[]; measures?: number },
): Promise<void> {
  await db.$executeRaw`
    UPDATE payloads SET state = ${outcome.state}, reason = ${outcome.reason ?? null}, devices = ${outcome.devices ?? []}::text[],
      measures = ${outcome.measures ?? 0}, processed_at = now()
    WHERE id = ${id}::uuid`;
}

export async function loadPayload(db: PlatformDb, id: string) {
  const rows = await db.$queryRaw<
    { id: string; tenant_id: string | null; decoder: string; device_model: string; state: TPayloadState; body: unknown }[]
  >`
    SELECT id, tenant_id, decoder, device_model, state, body FROM payloads WHERE id = ${id}::uuid`;
  return rows[0] ?? null;
}

/** Stored but never queued, for the sweeper (oldest first). */
export async function unqueuedPayloads(db: PlatformDb, olderThanMs: number, limit: number): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT id FROM payloads WHERE state = 'RECEIVED' AND queued_at IS NULL AND received_at < now() - make_interval(secs => ${olderThanMs / 1000})
    ORDER BY received_at LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** Payloads of a job that gave up: FAILED with the last error, unless already settled. */
export async function markFailed(db: PlatformDb, ids: string[], reason: string): Promise<void> {
  if (ids.length)
    await db.$executeRaw`UPDATE payloads SET state = 'FAILED', reason = ${reason}, processed_at = now() WHERE id = ANY(${ids}::uuid[]) AND state = 'RECEIVED'`;
}
