import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import { AppError, type AppErrorIssue } from "../errors";
import { emitAfterCommit } from "../events/bus";
import { writeHistory } from "../twins/history";
import { type measureTypeMap, valuesSchema } from "../twins/measure-types";
import { mergeMetadata, validateMetadata } from "../twins/metadata";
import type { TMeasureSlot } from "../twins/models";
import { type TMeasureHookContext, type TProcessedMeasure, type TTwinRef, hasHooks, runHooks } from "./hooks";
import { cachedAssetModel, cachedDeviceModel, cachedMeasureTypes, cachedTenantSettings } from "./definitions-cache";
import { ensureMeasurePartitions } from "./partitions";
import { rollupRows, rollupUpsertSql } from "./rollups";

// The one ingestion function: devices.receiveMeasures, assets.measureIngest and the
// payload pipeline all come through here. It reads top to bottom as its steps:
// lock the twins, check, map to asset slots, sort, before hooks, insert (batched,
// idempotent), last measures and last-seen, asset history, after hooks, event.

const MAX_FUTURE_MS = 24 * 3_600_000;

const INSERT_BATCH = 5000;

export const ZMeasureInputSchema = z.object({
  measuredAt: z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "must be a date"),
  type: z.string().min(1).max(40),
  name: z.string().min(1).max(40),
  values: z.record(z.string(), z.unknown()),
});
export const ZMeasureBatchSchema = z
  .array(ZMeasureInputSchema)
  .min(1, "at least one measure")
  .max(10_000, "at most 10,000 measures per call");
export type TMeasureInput = z.infer<typeof ZMeasureInputSchema> & {
  /** The payload it comes from, when a batch mixes several (else the batch's payloadId). */
  payloadId?: string | null;
};

export type TIngestSource = { kind: "device"; deviceId: string } | { kind: "api"; assetId: string };

/** What a twin keeps of its newest measure per name (device) or slot (asset). */
export interface TLastMeasure {
  type: string;
  name: string;
  measuredAt: string;
  values: Record<string, unknown>;
  originId: string;
  payloadId: string | null;
}

interface LockedTwin extends TTwinRef {
  measures: Record<string, TLastMeasure>;
}

export interface TIngestResult {
  received: number;
  inserted: number;
  duplicates: number;
  assetId: string | null;
  /** The measures as stored (after the before hooks), in time order. */
  processed: TProcessedMeasure[];
}

async function lockTwin(
  db: TenantDb,
  table: "devices" | "assets",
  id: string,
): Promise<(LockedTwin & { asset_id?: string | null; link_measures?: unknown }) | null> {
  const rows = await db.$queryRaw<(LockedTwin & { asset_id?: string | null; link_measures?: unknown })[]>`
    SELECT id, model, reference, metadata, measures ${table === "devices" ? Prisma.sql`, asset_id, link_measures` : Prisma.empty}
    FROM ${Prisma.raw(table)} WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

function checkMeasures(
  measures: TMeasureInput[],
  slots: TMeasureSlot[],
  types: Awaited<ReturnType<typeof measureTypeMap>>,
  model: string,
  now: Date,
): AppErrorIssue[] {
  const byName = new Map(slots.map((s) => [s.name, s.type]));
  const issues: AppErrorIssue[] = [];
  measures.forEach((m, i) => {
    const expected = byName.get(m.name);
    if (!expected) issues.push({ path: `measures.${i}.name`, message: `"${m.name}" is not a measure of model ${model}` });
    else if (expected !== m.type)
      issues.push({ path: `measures.${i}.type`, message: `"${m.name}" is ${expected}, not ${m.type}` });
    if (m.measuredAt.getTime() > now.getTime() + MAX_FUTURE_MS)
      issues.push({ path: `measures.${i}.measuredAt`, message: "more than a day in the future" });
    const type = types.get(m.type);
    if (!type) {
      issues.push({ path: `measures.${i}.type`, message: `unknown measure type "${m.type}"` });
      return;
    }
    const parsed = valuesSchema(type).safeParse(m.values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ path: [`measures.${i}.values`, ...issue.path.map(String)].join("."), message: issue.message });
    }
  });
  return issues;
}

function refuse(issues: AppErrorIssue[]): never {
  const shown = issues.slice(0, 20);
  throw AppError.badRequest(
    `${issues.length} measure problem(s): ${shown.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    shown,
  );
}

/** Stores a batch of one device's (or one asset's) measures; see the steps above. */
export async function ingestMeasures(
  db: TenantDb,
  tenantGroup: string,
  input: {
    source: TIngestSource;
    measures: TMeasureInput[];
    payloadId?: string | null;
    /** Metadata a decoder read from the payload, merged into the device's (checked against its model). */
    metadata?: Record<string, unknown>;
  },
  now = new Date(),
): Promise<TIngestResult> {
  // 1. the twins, locked in the same order as linking (asset, then device)
  let device: (LockedTwin & { asset_id?: string | null; link_measures?: unknown }) | null = null;
  let asset: LockedTwin | null = null;
  if (input.source.kind === "device") {
    const deviceId = input.source.deviceId;
    const peek = await db.device.findUnique({ where: { id: deviceId }, select: { assetId: true } });
    if (!peek) throw AppError.notFound("device in this tenant", deviceId);
    if (peek.assetId) asset = await lockTwin(db, "assets", peek.assetId);
    device = await lockTwin(db, "devices", deviceId);
    if (!device) throw AppError.notFound("device in this tenant", deviceId);
  } else {
    asset = await lockTwin(db, "assets", input.source.assetId);
    if (!asset) throw AppError.notFound("asset in this tenant", input.source.assetId);
  }

  // 2. every measure checked against its model and type; all problems reported at once
  const types = await cachedMeasureTypes(db);
  const deviceModel = device ? await cachedDeviceModel(db, device.model) : null;
  const assetModel = asset ? await cachedAssetModel(db, tenantGroup, asset.model) : null;
  const slots = deviceModel?.measures ?? assetModel?.measures ?? [];
  const settings = await cachedTenantSettings(db);
  const issues = checkMeasures(input.measures, slots, types, (deviceModel ?? assetModel)?.model ?? "", now);
  if (settings?.retentionDays) {
    // what retention would delete tonight is not stored today (and its partition may be gone)
    const cutoff = now.getTime() - settings.retentionDays * 86_400_000;
    input.measures.forEach((m, i) => {
      if (m.measuredAt.getTime() < cutoff)
        issues.push({
          path: `measures.${i}.measuredAt`,
          message: `older than this tenant keeps (${settings.retentionDays} days)`,
        });
    });
  }
  if (issues.length) refuse(issues);

  // 3. device measure names to asset slots, through the link; 4. in time order
  const link = new Map(((device?.link_measures ?? []) as { device: string; asset: string }[]).map((m) => [m.device, m.asset]));
  const measures: TProcessedMeasure[] = input.measures
    .map((m) => ({
      measuredAt: m.measuredAt,
      type: m.type,
      name: m.name,
      values: m.values,
      slot: device ? (asset ? (link.get(m.name) ?? null) : null) : m.name,
      payloadId: m.payloadId ?? input.payloadId ?? null,
    }))
    .sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());

  // 5. before hooks: enrichment may change or add measures, and set metadata
  const metadataPatches: { device: Record<string, unknown>; asset: Record<string, unknown> } = {
    device: device ? { ...input.metadata } : {},
    asset: {},
  };
  const source = device ?? (asset as LockedTwin);
  const ctx: TMeasureHookContext = {
    tenantId: db.tenantId,
    source: { kind: input.source.kind, twin: twinRef(source) },
    asset: asset ? twinRef(asset) : null,
    payloadId: input.payloadId ?? null,
    measures,
    setMetadata: (target, patch) => Object.assign(metadataPatches[target], patch),
  };
  if (hasHooks("before")) {
    await runHooks("before", ctx);
    ctx.measures.sort((a, b) => a.measuredAt.getTime() - b.measuredAt.getTime());
    const hookIssues = checkMeasures(ctx.measures, slots, types, (deviceModel ?? assetModel)?.model ?? "", now);
    if (hookIssues.length) {
      throw new Error(`a measures:process:before hook produced invalid measures: ${hookIssues.map((i) => i.message).join("; ")}`);
    }
  }

  // 6. insert, batched, idempotent on (origin, name, measured_at, payload)
  const originType = device ? "device" : "api";
  const originId = source.id;
  await ensureMeasurePartitions(
    db,
    ctx.measures.map((m) => m.measuredAt),
  );
  let inserted = 0;
  const stored: TProcessedMeasure[] = [];
  for (let i = 0; i < ctx.measures.length; i += INSERT_BATCH) {
    const batch = ctx.measures.slice(i, i + INSERT_BATCH);
    const rows = await db.$queryRaw<{ name: string; measured_at: Date; payload_id: string }[]>`
      INSERT INTO measures (tenant_id, measured_at, type, name, values, asset_id, slot, origin_type, origin_id, payload_id)
      SELECT ${db.tenantId}::uuid, m.measured_at, m.type, m.name, m.values,
             CASE WHEN m.slot IS NULL THEN NULL ELSE ${asset?.id ?? null}::uuid END, m.slot,
             ${originType}, ${originId}::uuid, m.payload_id
      FROM jsonb_to_recordset(${rowsJson(batch)}::jsonb)
        AS m(measured_at timestamptz, type text, name text, values jsonb, slot text, payload_id text)
      ON CONFLICT DO NOTHING
      RETURNING name, measured_at, payload_id`;
    inserted += rows.length;
    // the rollups count only what was really inserted (a retried batch adds nothing)
    stored.push(
      ...(rows.length === batch.length
        ? batch
        : keepInserted(batch, new Set(rows.map((r) => `${r.name}|${r.measured_at.getTime()}|${r.payload_id}`)))),
    );
  }

  // 7. last measures, only where newer; last-seen; metadata from hooks
  const embedded = (m: TProcessedMeasure): TLastMeasure => ({
    type: m.type,
    name: m.name,
    measuredAt: m.measuredAt.toISOString(),
    values: m.values,
    originId,
    payloadId: m.payloadId ?? null,
  });
  // rollups and both twins in one round trip
  const writes: Prisma.Sql[] = [];
  const rollups = rollupUpsertSql(db.tenantId, rollupRows(stored, { kind: originType, id: originId }, asset?.id ?? null));
  if (rollups) writes.push(rollups);
  if (device) {
    const patch = newerThan(device.measures, ctx.measures, (m) => m.name, embedded);
    writes.push(twinUpdateSql("devices", device, deviceModel?.metadataMappings, patch, metadataPatches.device, now));
  }
  let changedSlots: string[] = [];
  const fed = ctx.measures.filter((m) => m.slot !== null);
  if (asset) {
    const patch = newerThan(asset.measures, fed, (m) => m.slot as string, embedded);
    changedSlots = Object.keys(patch);
    writes.push(twinUpdateSql("assets", asset, assetModel?.metadataMappings, patch, metadataPatches.asset, now));
  }
  await db.$executeRaw`WITH ${Prisma.join(
    writes.map((w, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${w} RETURNING 1)`),
    ", ",
  )} SELECT 1`;
  if (asset) {
    // 8. the asset's history, when the tenant keeps it
    if (settings?.assetHistory && fed.length) {
      await writeHistory(db, {
        tenantId: db.tenantId,
        assetId: asset.id,
        event: "measure",
        details: { slots: [...new Set(fed.map((m) => m.slot))], count: fed.length, from: originType, originId },
        actor: null,
      });
    }
  }

  // 9. after hooks; 10. the event, once committed
  await runHooks("after", ctx);
  emitAfterCommit(db, "measures.processed", {
    tenantId: db.tenantId,
    source: { kind: originType, id: originId, model: source.model, reference: source.reference },
    assetId: asset?.id ?? null,
    measures: ctx.measures.map((m) => ({ name: m.name, slot: m.slot, type: m.type, measuredAt: m.measuredAt, values: m.values })),
    updatedSlots: changedSlots,
  });
  return {
    received: input.measures.length,
    inserted,
    duplicates: ctx.measures.length - inserted,
    assetId: asset?.id ?? null,
    processed: ctx.measures,
  };
}

/** The measures of a batch whose (name, time) the insert returned. */
function keepInserted(batch: TProcessedMeasure[], inserted: Set<string>): TProcessedMeasure[] {
  // a key repeated inside the batch was inserted once, the first time
  return batch.filter((m) => inserted.delete(`${m.name}|${m.measuredAt.getTime()}|${m.payloadId ?? ""}`));
}

/**
 * The batch as one JSON parameter: one string for Postgres to parse beats five arrays of
 * a thousand elements each for the client to encode.
 */
function rowsJson(batch: TProcessedMeasure[]): string {
  return JSON.stringify(
    batch.map((m) => ({
      measured_at: m.measuredAt.toISOString(),
      type: m.type,
      name: m.name,
      values: m.values,
      slot: m.slot,
      payload_id: m.payloadId ?? "",
    })),
  );
}

function twinRef(t: LockedTwin): TTwinRef {
  return { id: t.id, model: t.model, reference: t.reference, metadata: t.metadata };
}

/** The newest measure per key in the batch, kept only if newer than what the twin has. */
function newerThan(
  current: Record<string, TLastMeasure>,
  measures: TProcessedMeasure[],
  key: (m: TProcessedMeasure) => string,
  embed: (m: TProcessedMeasure) => TLastMeasure,
): Record<string, TLastMeasure> {
  const patch: Record<string, TLastMeasure> = {};
  for (const m of measures) {
    const k = key(m);
    const held = patch[k] ?? current[k];
    if (!held || new Date(held.measuredAt).getTime() <= m.measuredAt.getTime()) patch[k] = embed(m);
  }
  return patch;
}

/** The UPDATE of a twin's last measures, last-seen and (from hooks) metadata. */
function twinUpdateSql(
  table: "devices" | "assets",
  twin: LockedTwin,
  mappings: Parameters<typeof validateMetadata>[0] | undefined,
  measuresPatch: Record<string, TLastMeasure>,
  metadataPatch: Record<string, unknown>,
  now: Date,
): Prisma.Sql {
  const metadata = Object.keys(metadataPatch).length
    ? validateMetadata(
        mappings ?? {},
        mergeMetadata(twin.metadata, validateMetadata(mappings ?? {}, metadataPatch, { partial: true })),
        { partial: false },
      )
    : null;
  return Prisma.sql`
    UPDATE ${Prisma.raw(table)}
    SET measures = measures || ${JSON.stringify(measuresPatch)}::jsonb,
        last_seen_at = GREATEST(coalesce(last_seen_at, '-infinity'::timestamptz), ${now}::timestamptz),
        ${metadata ? Prisma.sql`metadata = ${JSON.stringify(metadata)}::jsonb,` : Prisma.empty}
        updated_at = now()
    WHERE id = ${twin.id}::uuid`;
}
