import type { PlatformDb } from "@iot/db";

// Per-tenant retention (tenant_settings.retention_days; null keeps everything), applied
// by a daily worker job: whole monthly partitions are dropped where every tenant's limit
// allows it, and each limited tenant's older rows are trimmed with DELETE (rollups too).

export interface TRetentionReport {
  droppedPartitions: string[];
  trimmed: { tenantId: string; cutoff: Date; measures: number; rollups: number }[];
}

export async function applyRetention(db: PlatformDb, now = new Date()): Promise<TRetentionReport> {
  const tenants = await db.tenant.findMany({ select: { id: true, settings: { select: { retentionDays: true } } } });
  const cutoffs = tenants.map((t) => ({
    tenantId: t.id,
    cutoff: t.settings?.retentionDays ? new Date(now.getTime() - t.settings.retentionDays * 86_400_000) : null,
  }));
  // a partition goes only when no tenant keeps anything in it
  const keepsAll = cutoffs.some((c) => c.cutoff === null);
  const oldest = cutoffs.reduce<Date | null>((min, c) => (c.cutoff && (!min || c.cutoff < min) ? c.cutoff : min), null);
  const droppedPartitions =
    !keepsAll && oldest
      ? (await db.$queryRaw<{ name: string }[]>`SELECT drop_measure_partitions_before(${oldest}::timestamptz) AS name`).map(
          (r) => r.name,
        )
      : [];
  const trimmed: TRetentionReport["trimmed"] = [];
  for (const { tenantId, cutoff } of cutoffs) {
    if (!cutoff) continue;
    const measures = await db.$executeRaw`DELETE FROM measures WHERE tenant_id = ${tenantId}::uuid AND measured_at < ${cutoff}`;
    const rollups = await db.$executeRaw`
      DELETE FROM measure_rollups WHERE tenant_id = ${tenantId}::uuid
        AND bucket_start + CASE granularity WHEN 'day' THEN interval '1 day' ELSE interval '1 hour' END <= ${cutoff}`;
    if (measures || rollups) trimmed.push({ tenantId, cutoff, measures, rollups });
  }
  return { droppedPartitions, trimmed };
}
