import type { PlatformDb } from "@iot/db";
import type { TMeasureInput } from "../measures/ingest";
import { type TLastMeasure, newerThan } from "../measures/ingest-twins";
import type { TProvisioning, TWork } from "./pipeline";

// Step 3 of the pipeline: the devices of a job's payloads, by model and reference, in a
// few queries whatever the number of payloads: one per model for the known devices, one
// insert for the unknown ones (strategy "auto": into the key's tenant, or orphans for a
// platform key), one for their tenants' groups.

export interface TTarget {
  id: string;
  model: string;
  reference: string;
  tenantId: string | null;
  group: string | null;
}

export async function resolveDevices(db: PlatformDb, works: TWork[], provisioning: TProvisioning): Promise<void> {
  if (!works.length) return;
  const byModel = new Map<string, TWork[]>();
  for (const w of works) {
    const list = byModel.get(w.payload.device_model) ?? [];
    list.push(w);
    byModel.set(w.payload.device_model, list);
  }
  const devices = new Map<string, Omit<TTarget, "group">>();
  const key = (model: string, reference: string) => `${model}/${reference}`;
  for (const [model, modelWorks] of byModel) {
    const references = [...new Set(modelWorks.flatMap((w) => [...w.devices.keys()]))];
    // as a join on the references: the planner then always takes the (model, reference)
    // index, where `reference IN (...)` can lead it to the trigram index of the search
    const find = (refs: string[]) =>
      db.$queryRaw<Omit<TTarget, "group">[]>`
        SELECT d.id, d.model, d.reference, d.tenant_id AS "tenantId"
        FROM unnest(${refs}::text[]) AS r(reference) JOIN devices d ON d.model = ${model} AND d.reference = r.reference`;
    for (const d of await find(references)) devices.set(key(model, d.reference), d);
    const unknown = references.filter((r) => !devices.has(key(model, r)));
    if (provisioning === "auto" && unknown.length) {
      // an unknown device belongs to the tenant of the first payload naming it
      const owner = new Map<string, string | null>();
      for (const w of modelWorks) for (const r of w.devices.keys()) if (!owner.has(r)) owner.set(r, w.payload.tenant_id);
      await db.device.createMany({
        data: unknown.map((reference) => ({ model, reference, tenantId: owner.get(reference) ?? null })),
        skipDuplicates: true,
      });
      for (const d of await find(unknown)) devices.set(key(model, d.reference), d);
    }
  }
  const tenantIds = [...new Set([...devices.values()].flatMap((d) => d.tenantId ?? []))];
  const groups = new Map(
    (await db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, group: true } })).map((t) => [
      t.id,
      t.group,
    ]),
  );

  for (const work of works) {
    for (const reference of work.devices.keys()) {
      const d = devices.get(key(work.payload.device_model, reference));
      if (!d) {
        work.result.skipped.push({ reference, reason: "unknown device (provisioning strategy: catalog)" });
        continue;
      }
      if (work.payload.tenant_id && d.tenantId !== work.payload.tenant_id) {
        work.result.state = "ERROR";
        work.result.reason = `device ${d.model}/${reference} does not belong to this key's tenant`;
        work.targets = [];
        break;
      }
      work.targets.push({ ...d, group: d.tenantId ? (groups.get(d.tenantId) ?? null) : null });
    }
    if (work.result.state === "VALID" && !work.targets.length) {
      work.result.state = "SKIP";
      work.result.reason = work.result.skipped.map((s) => `${s.reference}: ${s.reason}`).join("; ");
    }
    work.result.devices = work.targets.map((t) => t.reference);
  }
}

/** An orphan's newest measure per name, kept on the device row only (no measures rows, no tenant). */
export async function keepOrphanLastMeasures(db: PlatformDb, deviceId: string, measures: TMeasureInput[], payloadId: string) {
  const row = await db.device.findUnique({ where: { id: deviceId }, select: { measures: true } });
  const current = (row?.measures ?? {}) as unknown as Record<string, TLastMeasure>;
  const processed = measures.map((m) => ({ ...m, slot: null, payloadId }));
  const patch = newerThan(current, {}, processed, (m) => m.name, deviceId);
  await db.$executeRaw`
    UPDATE devices SET measures = measures || ${JSON.stringify(patch)}::jsonb,
      last_seen_at = GREATEST(coalesce(last_seen_at, '-infinity'::timestamptz), now()), updated_at = now()
    WHERE id = ${deviceId}::uuid`;
}
