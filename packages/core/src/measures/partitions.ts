import type { TenantDb, PlatformDb } from "@iot/db";

// Monthly partitions of the measures table: the worker creates them ahead; ingestion
// makes sure the months a batch touches exist (a backfill may reach far back). Known
// months are remembered per process for a while (retention may drop old ones), so the
// common case costs nothing.
const REMEMBER_MS = 10 * 60_000;
const known = new Map<string, number>();

function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

export async function ensureMeasurePartitions(db: TenantDb | PlatformDb, dates: Iterable<Date>): Promise<void> {
  const months = new Set<string>();
  for (const d of dates) months.add(monthKey(d));
  for (const month of months) {
    if ((known.get(month) ?? 0) > Date.now()) continue;
    await db.$queryRaw`SELECT ensure_measure_partition(${month}::date)`;
    known.set(month, Date.now() + REMEMBER_MS);
  }
}

/** The current month and the next `ahead` ones (the worker's daily job). */
export async function createPartitionsAhead(db: PlatformDb, ahead = 3, now = new Date()): Promise<string[]> {
  const created: string[] = [];
  for (let i = 0; i <= ahead; i++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const rows = await db.$queryRaw<{ name: string }[]>`SELECT ensure_measure_partition(${monthKey(month)}::date) AS name`;
    if (rows[0]) created.push(rows[0].name);
  }
  return created;
}
