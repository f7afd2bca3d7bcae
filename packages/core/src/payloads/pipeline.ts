import { type TenantDb, withPlatform, withTenant } from "@iot/db";
import { type Decoder, getDecoder } from "../decoders/index";
import { AppError } from "../errors";
import type { TProcessedMeasure } from "../measures/hooks";
import { type TMeasureInput, ingestMeasures } from "../measures/ingest";
import { type TTarget, keepOrphanLastMeasures, resolveDevices } from "./devices";
import { type TPayloadOutcome, type TStoredPayload, loadPayloads, markProcessed } from "./store";

// The measure pipeline for a job's payloads, top to bottom as its named steps:
//   1. load the payloads still to process (a job run twice finds them settled)
//   2. decode each with its decoder (SKIP and ERROR settle here)
//   3. resolve their devices, provisioning unknown ones (strategy "auto")
//   4. ingest: per tenant one transaction, each device's measures of every payload in one
//      call to the ingestion function (time order, before/after hooks, rollups); on a
//      data error the tenant's payloads go again one by one, so only the bad one is ERROR
//   5. orphans keep their last measures, nothing else
//   6. hand off what was stored (rule evaluation, live subscribers)
//   7. record each payload's outcome
// A crash anywhere before 7 re-runs the job: the measures' unique key (payload id
// included) makes that store nothing twice.

export type TProvisioning = "auto" | "catalog";

export interface TPipelineResult extends TPayloadOutcome {
  skipped: { reference: string; reason: string }[];
}

/** What a tenant received from a job, for its rules and its live subscribers. */
export interface THandOff {
  tenantId: string;
  payloadIds: string[];
  devices: { id: string; reference: string; model: string; assetId: string | null; measures: TProcessedMeasure[] }[];
}

export interface TPipelineOptions {
  provisioning?: TProvisioning;
  /** Called once per job with what each tenant received, before the payloads are settled. */
  handOff?: (batches: THandOff[]) => Promise<void>;
}

/** One payload on its way through the steps. */
export interface TWork {
  payload: TStoredPayload;
  decoder: Decoder | null;
  devices: Map<string, { measures: TMeasureInput[]; metadata: Record<string, unknown> }>;
  targets: TTarget[];
  result: TPipelineResult;
}

export async function processPayloads(ids: string[], opts: TPipelineOptions = {}): Promise<TPipelineResult[]> {
  const payloads = await withPlatform((db) => loadPayloads(db, ids)); // 1
  const works = payloads.map(startWork);
  await Promise.all(works.map(decode)); // 2
  await resolveDevices(valid(works), opts.provisioning ?? "auto"); // 3
  const handOff = await ingest(valid(works)); // 4
  await keepOrphans(valid(works)); // 5
  if (handOff.length) await opts.handOff?.(handOff); // 6
  await withPlatform((db) => markProcessed(db, works.map(settled))); // 7
  return works.map((w) => w.result);
}

/** One payload through the steps (tests, and the single-payload fallback of step 4). */
export async function processPayload(id: string, provisioning: TProvisioning = "auto"): Promise<TPipelineResult> {
  const [result] = await processPayloads([id], { provisioning });
  if (result) return result;
  const exists = await withPlatform((db) => loadPayloads(db, [id], { all: true }));
  if (!exists.length) throw new AppError("NOT_FOUND", `payload ${id} not found`);
  throw AppError.conflict(`payload ${id} is already processed (replay it to process it again)`);
}

/** The outcome to record: what a VALID payload skipped (catalog, orphans) is its reason. */
function settled(work: TWork): TPipelineResult {
  const r = work.result;
  if (r.state === "VALID" && r.skipped.length && !r.reason)
    r.reason = r.skipped.map((s) => `${s.reference}: ${s.reason}`).join("; ");
  return r;
}

export function startWork(payload: TStoredPayload): TWork {
  return {
    payload,
    decoder: getDecoder(payload.decoder) ?? null,
    devices: new Map(),
    targets: [],
    result: {
      id: payload.id,
      state: "VALID",
      reason: null,
      devices: [],
      measures: 0,
      measuredFrom: null,
      measuredTo: null,
      skipped: [],
    },
  };
}

export const valid = (works: TWork[]) => works.filter((w) => w.result.state === "VALID");

export function refuse(work: TWork, error: unknown): void {
  if (!(error instanceof AppError)) throw error;
  Object.assign(work.result, {
    state: "ERROR",
    reason: error.message,
    devices: [],
    measures: 0,
    measuredFrom: null,
    measuredTo: null,
  });
}

/** Step 2: the decoder's validate and decode; each measure remembers its payload. */
export async function decode(work: TWork): Promise<void> {
  try {
    if (!work.decoder) throw AppError.badRequest(`no decoder "${work.payload.decoder}" any more`);
    const outcome = await work.decoder.run(work.payload.body);
    if (outcome.state === "SKIP") {
      work.result.state = "SKIP";
      return;
    }
    for (const [reference, d] of outcome.decoded.devices) {
      const measures = d.measures.map((m) => ({ ...m, payloadId: work.payload.id }));
      work.devices.set(reference, { measures, metadata: d.metadata });
      for (const m of measures) {
        if (!work.result.measuredFrom || m.measuredAt < work.result.measuredFrom) work.result.measuredFrom = m.measuredAt;
        if (!work.result.measuredTo || m.measuredAt > work.result.measuredTo) work.result.measuredTo = m.measuredAt;
      }
    }
  } catch (error) {
    // a decoder that throws anything refuses the payload: retrying would not change it
    refuse(work, error instanceof AppError ? error : AppError.badRequest(`${work.payload.decoder}: ${(error as Error).message}`));
  }
}

/** Step 4: per tenant, one transaction for all its devices; one by one after a data error. */
export async function ingest(works: TWork[]): Promise<THandOff[]> {
  const byTenant = new Map<string, { group: string; works: TWork[] }>();
  for (const work of works)
    for (const t of work.targets) {
      if (!t.tenantId || !t.group) continue;
      const entry = byTenant.get(t.tenantId) ?? { group: t.group, works: [] };
      if (!entry.works.includes(work)) entry.works.push(work);
      byTenant.set(t.tenantId, entry);
    }
  const handOffs: THandOff[] = [];
  for (const [tenantId, { group, works: tenantWorks }] of byTenant) {
    try {
      handOffs.push(await ingestTenant(tenantId, group, tenantWorks));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const work of tenantWorks) {
        try {
          handOffs.push(await ingestTenant(tenantId, group, [work]));
        } catch (single) {
          refuse(work, single);
        }
      }
    }
  }
  return handOffs.filter((h) => h.devices.length);
}

const ingestTenant = (tenantId: string, group: string, works: TWork[]) =>
  withTenant(tenantId, (db) => ingestInto(db, group, works));

/** The works' measures for the devices of the transaction's tenant. */
export async function ingestInto(db: TenantDb, group: string, works: TWork[]): Promise<THandOff> {
  const tenantId = db.tenantId;
  // each device's measures across the payloads, in one call
  const units = new Map<string, { target: TTarget; measures: TMeasureInput[]; metadata: Record<string, unknown> }>();
  for (const work of works)
    for (const t of work.targets) {
      if (t.tenantId !== tenantId) continue;
      const decoded = work.devices.get(t.reference);
      if (!decoded) continue;
      const unit = units.get(t.id) ?? { target: t, measures: [], metadata: {} };
      unit.measures.push(...decoded.measures);
      Object.assign(unit.metadata, decoded.metadata);
      units.set(t.id, unit);
    }
  const handOff: THandOff = { tenantId, payloadIds: works.map((w) => w.payload.id), devices: [] };
  for (const { target, measures, metadata } of units.values()) {
    const r = await ingestMeasures(db, group, { source: { kind: "device", deviceId: target.id }, measures, metadata });
    handOff.devices.push({
      id: target.id,
      reference: target.reference,
      model: target.model,
      assetId: r.assetId,
      measures: r.processed,
    });
  }
  for (const work of works)
    for (const t of work.targets)
      if (t.tenantId === tenantId) work.result.measures += work.devices.get(t.reference)?.measures.length ?? 0;
  return handOff;
}

/** Step 5: an orphan keeps its last measures but propagates nothing to a tenant. */
export async function keepOrphans(works: TWork[]): Promise<void> {
  for (const work of works)
    for (const t of work.targets) {
      if (t.tenantId && t.group) continue;
      const decoded = work.devices.get(t.reference);
      if (!decoded) continue;
      await withPlatform((db) => keepOrphanLastMeasures(db, t.id, decoded.measures, work.payload.id));
      work.result.skipped.push({ reference: t.reference, reason: "orphan device: last measures kept, nothing propagated" });
    }
}
