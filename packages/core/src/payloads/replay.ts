import { Prisma, type PlatformDb, type TenantDb, withPlatform, withTenant } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { takeBackPayload } from "../measures/rollback";
import { resolveDevices } from "./devices";
import { type TPipelineResult, type TProvisioning, decode, ingestInto, keepOrphans, refuse, startWork, valid } from "./pipeline";
import { payloadFilterWhere } from "./log";
import { type TStoredPayload, loadPayloads, markProcessed } from "./store";

// Replay: a stored payload through its current decoder again, replacing what it produced
// (how a fixed decoder repairs history). Per tenant, in one transaction: the measures the
// payload stored before are taken back (rollups and last measures follow), then the new
// ones ingested. If the payload is now refused, what it stored is taken back and it ends
// ERROR with the reason. Replays notify neither rules nor live subscribers: they repair
// the past, they are not news.

export const REPLAY_PAGE = 500;

export const ZPayloadReplaySchema = z
  .object({
    ids: z.array(z.string().uuid("must be a payload id")).min(1).max(REPLAY_PAGE).optional(),
    filter: z
      .object({
        decoder: z.string().max(60).optional(),
        state: z.enum(["VALID", "SKIP", "ERROR", "FAILED"]).optional(),
        device: z.string().max(128).optional(),
        from: z.coerce.date().optional(),
        to: z.coerce.date().optional(),
      })
      .optional(),
    /** From a previous page's nextCursor. */
    cursor: z
      .string()
      .regex(/^\d{1,15}:[0-9a-f-]{36}$/, "must be a cursor this procedure returned")
      .optional(),
  })
  .refine((v) => Boolean(v.ids) !== Boolean(v.filter), "give either ids or a filter");

/** The ids a caller may replay (its scope's rows), a page at a time, newest first. */
export async function selectReplay(db: TenantDb | PlatformDb, input: z.infer<typeof ZPayloadReplaySchema>) {
  const where = [...payloadFilterWhere(db, { ...input.filter, cursor: input.cursor }), Prisma.sql`state <> 'RECEIVED'`];
  if (input.ids) where.push(Prisma.sql`id = ANY(${input.ids}::uuid[])`);
  const rows = await db.$queryRaw<{ id: string; received_at: Date }[]>`
    SELECT id, received_at FROM payloads WHERE ${Prisma.join(where, " AND ")}
    ORDER BY received_at DESC, id DESC LIMIT ${REPLAY_PAGE + 1}`;
  const page = rows.slice(0, REPLAY_PAGE);
  const last = page.at(-1);
  if (input.ids && page.length < new Set(input.ids).size)
    throw AppError.notFound("payload to replay (unknown, not yours, or still being processed)", input.ids.join(", "));
  return {
    ids: page.map((r) => r.id),
    nextCursor: rows.length > REPLAY_PAGE && last ? `${last.received_at.getTime()}:${last.id}` : null,
  };
}

export async function replayPayloads(ids: string[], provisioning: TProvisioning = "auto"): Promise<TPipelineResult[]> {
  const payloads = await withPlatform((db) => loadPayloads(db, ids, { all: true }));
  const results: TPipelineResult[] = [];
  for (const payload of payloads) results.push(await replayOne(payload, provisioning));
  await withPlatform(async (db) => {
    await markProcessed(db, results);
    await db.$executeRaw`UPDATE payloads SET replays = replays + 1, replayed_at = now() WHERE id = ANY(${ids}::uuid[])`;
  });
  return results;
}

async function replayOne(payload: TStoredPayload, provisioning: TProvisioning): Promise<TPipelineResult> {
  const work = startWork(payload);
  await decode(work);
  await withPlatform((db) => resolveDevices(db, valid([work]), provisioning));

  // where its previous measures are: its devices then (by model and reference), in its range then
  const previous =
    payload.devices.length && payload.measured_from && payload.measured_to
      ? await withPlatform((db) =>
          db.device.findMany({
            where: { model: payload.device_model, reference: { in: payload.devices } },
            select: { id: true, tenantId: true },
          }),
        )
      : [];
  const range = { from: payload.measured_from ?? new Date(0), to: payload.measured_to ?? new Date(0) };
  const groups = await tenantGroups([
    ...previous.flatMap((d) => d.tenantId ?? []),
    ...work.targets.flatMap((t) => t.tenantId ?? []),
  ]);

  for (const [tenantId, group] of groups) {
    const takeBack = (db: TenantDb) =>
      takeBackPayload(
        db,
        payload.id,
        previous.filter((d) => d.tenantId === tenantId).map((d) => d.id),
        range,
      );
    try {
      await withTenant(tenantId, async (db) => {
        await takeBack(db);
        if (work.result.state === "VALID") await ingestInto(db, group, [work]);
      });
    } catch (error) {
      refuse(work, error);
      await withTenant(tenantId, takeBack);
    }
  }
  await keepOrphans(valid([work]));
  return work.result;
}

async function tenantGroups(ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const tenants = await withPlatform((db) =>
    db.tenant.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, group: true } }),
  );
  return new Map(tenants.map((t) => [t.id, t.group]));
}
