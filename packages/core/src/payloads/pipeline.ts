import { type TenantDb, withPlatform, withTenant } from "@iot/db";
import { type Decoder, getDecoder } from "../decoders/index";
import { AppError } from "../errors";
import type { TProcessedMeasure } from "../measures/hooks";
import { type TMeasureInput, ingestBatch } from "../measures/ingest";
import { type TTarget, keepOrphanLastMeasures, resolveDevices } from "./devices";
import { type TPayloadOutcome, type TPayloadState, type TStoredPayload, loadPayloads, markProcessed } from "./store";

// The measure pipeline for a job's payloads, top to bottom as its named steps:
//   1. load the payloads still to process (a job run twice finds them settled)
//   2. decode each with its decoder (SKIP and ERROR settle here)
//   3. resolve their devices, provisioning unknown ones (strategy "auto")
//      (1 to 3 in one transaction)
//   4. ingest: per tenant one transaction, all its devices' measures of every payload in
//      one call to the ingestion function (time order, before/after hooks, rollups); on a
//      data error the tenant's payloads go again one by one, so only the bad one is ERROR;
//      in the same transaction, before it commits:
//   5. hand off what was stored (rule evaluation, live subscribers), and
//   6. record the outcome of the tenant's payloads
//   7. orphans keep their last measures, nothing else
//   8. record every other outcome (SKIP, ERROR, orphans, platform keys)
// A crash anywhere re-runs the job: the measures' unique key (payload id included) makes
// that store nothing twice, and what was settled is not done again.

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
  /** Called once the job's payloads are settled with those of a tenant that ended ERROR (payload.error). */
  refused?: (refused: TRefusedPayload[]) => Promise<void>;
  /** Told how long each step took (metrics). */
  onStep?: (step: TPipelineStep, seconds: number) => void;
  /** Told each payload's outcome once settled, with its tenant and webhook request (logs, metrics). */
  onSettled?: (settled: TSettledPayload[]) => void;
}

export type TPipelineStep = "load" | "decode" | "resolve" | "ingest" | "orphans" | "settle" | "refused";
export interface TSettledPayload {
  id: string;
  tenantId: string | null;
  requestId: string | null;
  state: TPayloadState;
  reason: string | null;
  measures: number;
}

export interface TRefusedPayload {
  tenantId: string;
  id: string;
  decoder: string;
  deviceModel: string;
  reason: string;
}

/** One payload on its way through the steps. */
export interface TWork {
  payload: TStoredPayload;
  decoder: Decoder | null;
  devices: Map<string, { measures: TMeasureInput[]; metadata: Record<string, unknown> }>;
  targets: TTarget[];
  result: TPipelineResult;
  /** Its outcome is recorded (with its tenant's measures). */
  settled?: boolean;
}

export async function processPayloads(ids: string[], opts: TPipelineOptions = {}): Promise<TPipelineResult[]> {
  const step = timer(opts.onStep);
  const works = await withPlatform(async (db) => {
    const works = await step("load", async () => (await loadPayloads(db, ids)).map(startWork)); // 1
    await step("decode", () => Promise.all(works.map(decode))); // 2
    await step("resolve", () => resolveDevices(db, valid(works), opts.provisioning ?? "auto")); // 3
    return works;
  });
  await step("ingest", () => ingest(valid(works), opts.handOff)); // 4, 5, 6
  await step("orphans", () => keepOrphans(valid(works))); // 7
  const rest = works.filter((w) => !w.settled);
  if (rest.length) await step("settle", () => withPlatform((db) => markProcessed(db, rest.map(outcome)))); // 8
  const refused = works.flatMap(({ payload: p, result: r }) =>
    r.state === "ERROR" && p.tenant_id
      ? [{ tenantId: p.tenant_id, id: p.id, decoder: p.decoder, deviceModel: p.device_model, reason: r.reason ?? "" }]
      : [],
  );
  if (refused.length && opts.refused) await step("refused", () => (opts.refused as NonNullable<typeof opts.refused>)(refused)); // 9
  opts.onSettled?.(
    works.map(({ payload: p, result: r }) => ({
      id: p.id,
      tenantId: p.tenant_id,
      requestId: p.request_id ?? null,
      state: r.state,
      reason: r.reason,
      measures: r.measures,
    })),
  );
  return works.map((w) => w.result);
}

/** Runs a step, telling `onStep` how long it took. */
function timer(onStep: TPipelineOptions["onStep"]) {
  return async <T>(name: TPipelineStep, run: () => Promise<T>): Promise<T> => {
    if (!onStep) return run();
    const start = performance.now();
    try {
      return await run();
    } finally {
      onStep(name, (performance.now() - start) / 1000);
    }
  };
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
function outcome(work: TWork): TPipelineResult {
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

/** Steps 4 to 6: per tenant, one transaction for all its devices; one by one after a data error. */
export async function ingest(works: TWork[], handOff?: TPipelineOptions["handOff"]): Promise<void> {
  const byTenant = new Map<string, { group: string; works: Set<TWork> }>();
  for (const work of works)
    for (const t of work.targets) {
      if (!t.tenantId || !t.group) continue;
      const entry = byTenant.get(t.tenantId) ?? { group: t.group, works: new Set<TWork>() };
      entry.works.add(work);
      byTenant.set(t.tenantId, entry);
    }
  const inTenant = (tenantId: string, group: string, list: TWork[]) =>
    withTenant(tenantId, async (db) => {
      const stored = await ingestInto(db, group, list);
      if (stored.devices.length) await handOff?.([stored]);
      // a payload of this tenant's key, all its devices here: settled with its measures
      const own = list.filter((w) => w.payload.tenant_id === tenantId && w.targets.every((t) => t.tenantId === tenantId));
      await markProcessed(db, own.map(outcome));
      return own;
    });
  for (const [tenantId, { group, works: tenantWorks }] of byTenant) {
    try {
      for (const w of await inTenant(tenantId, group, [...tenantWorks])) w.settled = true;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      for (const work of tenantWorks) {
        try {
          for (const w of await inTenant(tenantId, group, [work])) w.settled = true;
        } catch (single) {
          refuse(work, single);
        }
      }
    }
  }
}

/** The works' measures for the devices of the transaction's tenant. */
export async function ingestInto(db: TenantDb, group: string, works: TWork[]): Promise<THandOff> {
  const tenantId = db.tenantId;
  // each device's measures across the payloads; all devices in one call
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
  const list = [...units.values()];
  const results = await ingestBatch(
    db,
    group,
    list.map(({ target, measures, metadata }) => ({ source: { kind: "device", deviceId: target.id }, measures, metadata })),
  );
  const handOff: THandOff = {
    tenantId,
    payloadIds: works.map((w) => w.payload.id),
    devices: list.map(({ target }, i) => ({
      id: target.id,
      reference: target.reference,
      model: target.model,
      assetId: results[i]?.assetId ?? null,
      measures: results[i]?.processed ?? [],
    })),
  };
  for (const work of works)
    for (const t of work.targets)
      if (t.tenantId === tenantId) work.result.measures += work.devices.get(t.reference)?.measures.length ?? 0;
  return handOff;
}

/** Step 5: an orphan keeps its last measures but propagates nothing to a tenant. */
export async function keepOrphans(works: TWork[]): Promise<void> {
  const orphans = works.flatMap((work) =>
    work.targets.flatMap((t) => {
      const decoded = t.tenantId && t.group ? undefined : work.devices.get(t.reference);
      return decoded ? [{ work, t, measures: decoded.measures }] : [];
    }),
  );
  if (!orphans.length) return;
  await withPlatform(async (db) => {
    for (const { work, t, measures } of orphans) await keepOrphanLastMeasures(db, t.id, measures, work.payload.id);
  });
  for (const { work, t } of orphans)
    work.result.skipped.push({ reference: t.reference, reason: "orphan device: last measures kept, nothing propagated" });
}
