import { type PlatformDb, withPlatform, withTenant } from "@iot/db";
import { getDecoder } from "../decoders/registry";
import { AppError } from "../errors";
import { type TMeasureInput, ingestMeasures } from "../measures/ingest";
import { loadPayload, markProcessed } from "./store";

// The measure pipeline for one stored payload, top to bottom: decode, resolve (or
// provision) its devices, ingest each device's measures in time order, record the
// outcome. Data errors end as ERROR with the reason (no retry); anything else throws and
// the job is retried. Running it twice stores nothing twice (the measures key holds the
// payload id).

export type TProvisioning = "auto" | "catalog";

export interface TPipelineResult {
  state: "VALID" | "SKIP" | "ERROR";
  reason: string | null;
  devices: string[];
  measures: number;
  skipped: { reference: string; reason: string }[];
}

export async function processPayload(payloadId: string, provisioning: TProvisioning = "auto"): Promise<TPipelineResult> {
  const payload = await withPlatform((db) => loadPayload(db, payloadId));
  if (!payload) throw new AppError("NOT_FOUND", `payload ${payloadId} not found`);
  const done = async (result: TPipelineResult) => {
    await withPlatform((db) => markProcessed(db, payloadId, result));
    return result;
  };
  try {
    // 1. decode
    const decoder = getDecoder(payload.decoder);
    if (!decoder) throw AppError.badRequest(`no decoder "${payload.decoder}" any more`);
    const outcome = await decoder.run(payload.body);
    if (outcome.state === "SKIP") return done({ state: "SKIP", reason: null, devices: [], measures: 0, skipped: [] });

    // 2. resolve the devices, provisioning unknown ones (tenant key: into its tenant)
    const skipped: TPipelineResult["skipped"] = [];
    const targets = await withPlatform(async (db) => {
      // one query for the known devices, one insert for the unknown ones, one for their tenants' groups
      const references = [...outcome.decoded.devices.keys()];
      const known = await db.device.findMany({
        where: { model: decoder.deviceModel, reference: { in: references } },
        select: { id: true, reference: true, tenantId: true },
      });
      const byReference = new Map(known.map((d) => [d.reference, d]));
      const unknown = references.filter((r) => !byReference.has(r));
      if (provisioning === "catalog") {
        for (const reference of unknown) skipped.push({ reference, reason: "unknown device (provisioning strategy: catalog)" });
      } else if (unknown.length) {
        await db.device.createMany({
          data: unknown.map((reference) => ({ model: decoder.deviceModel, reference, tenantId: payload.tenant_id })),
          skipDuplicates: true,
        });
        const created = await db.device.findMany({
          where: { model: decoder.deviceModel, reference: { in: unknown } },
          select: { id: true, reference: true, tenantId: true },
        });
        for (const d of created) byReference.set(d.reference, d);
      }
      const devices = references.flatMap((r) => byReference.get(r) ?? []);
      const foreign = devices.find((d) => payload.tenant_id && d.tenantId !== payload.tenant_id);
      if (foreign)
        throw AppError.forbidden(`device ${decoder.deviceModel}/${foreign.reference} does not belong to this key's tenant`);
      const tenantIds = [...new Set(devices.flatMap((d) => d.tenantId ?? []))];
      const groups = new Map(
        (await db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, group: true } })).map((t) => [
          t.id,
          t.group,
        ]),
      );
      return devices.map((d) => ({
        id: d.id,
        reference: d.reference,
        tenantId: d.tenantId,
        group: d.tenantId ? (groups.get(d.tenantId) ?? null) : null,
      }));
    });

    // 3. each device's measures through the ingestion function, in its tenant
    let measures = 0;
    for (const target of targets) {
      const decoded = outcome.decoded.devices.get(target.reference);
      if (!decoded) continue;
      if (!target.tenantId || !target.group) {
        // an orphan keeps its last measures but propagates nothing to a tenant
        await withPlatform((db) => keepOrphanLastMeasures(db, target.id, decoded.measures, payloadId));
        skipped.push({ reference: target.reference, reason: "orphan device: last measures kept, nothing propagated" });
        continue;
      }
      const result = await withTenant(target.tenantId, (db) =>
        ingestMeasures(db, target.group as string, {
          source: { kind: "device", deviceId: target.id },
          measures: decoded.measures,
          payloadId,
        }),
      );
      measures += result.received;
    }
    return done({ state: "VALID", reason: null, devices: targets.map((t) => t.reference), measures, skipped });
  } catch (error) {
    if (error instanceof AppError) return done({ state: "ERROR", reason: error.message, devices: [], measures: 0, skipped: [] });
    throw error;
  }
}

/** An orphan's newest measure per name, kept on the device row only (no measures rows, no tenant). */
async function keepOrphanLastMeasures(db: PlatformDb, deviceId: string, measures: TMeasureInput[], payloadId: string) {
  const row = await db.device.findUnique({ where: { id: deviceId }, select: { measures: true } });
  const current = (row?.measures ?? {}) as Record<string, { measuredAt: string }>;
  const patch: Record<string, unknown> = {};
  for (const m of measures) {
    const held = (patch[m.name] as { measuredAt: string } | undefined) ?? current[m.name];
    if (!held || new Date(held.measuredAt) <= m.measuredAt) {
      patch[m.name] = {
        type: m.type,
        name: m.name,
        measuredAt: m.measuredAt.toISOString(),
        values: m.values,
        originId: deviceId,
        payloadId,
      };
    }
  }
  await db.$executeRaw`
    UPDATE devices SET measures = measures || ${JSON.stringify(patch)}::jsonb,
      last_seen_at = GREATEST(coalesce(last_seen_at, '-infinity'::timestamptz), now()), updated_at = now()
    WHERE id = ${deviceId}::uuid`;
}
