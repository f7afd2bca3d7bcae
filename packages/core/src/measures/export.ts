import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Prisma, type TenantDb, withTenant } from "@iot/db";
import { z } from "zod";
import { AppError } from "../errors";
import { measureTypeMap } from "../twins/measure-types";
import { getAssetModel, getDeviceModel } from "../twins/models";

// CSV export of a twin's measures over a time range. exportMeasures answers a link that
// works for two minutes (as in the reference platform); GET on it streams the file
// through a server-side cursor, a few thousand rows at a time, only as fast as the
// client reads: memory stays flat whatever the size.

const LINK_TTL_MS = 2 * 60_000;
const FETCH_ROWS = 2000;
// one secret for every web replica in production (EXPORT_SECRET); a random one otherwise
const SECRET = process.env.EXPORT_SECRET ?? randomBytes(32).toString("hex");

export const ZExportSchema = z.object({ from: z.coerce.date(), to: z.coerce.date() });

interface ExportClaims {
  tenantId: string;
  tenantGroup: string;
  twin: { kind: "device" | "asset"; id: string };
  from: string;
  to: string;
  exp: number;
}

function sign(body: string): string {
  return createHmac("sha256", SECRET).update(body).digest("base64url");
}

/** The export link of a twin of this tenant (NOT_FOUND for any other). */
export async function exportLinkFor(
  db: TenantDb,
  tenant: { id: string; group: string },
  twin: { kind: "device" | "asset"; id: string },
  range: { from: Date; to: Date },
) {
  const found =
    twin.kind === "device"
      ? await db.device.findUnique({ where: { id: twin.id }, select: { id: true } })
      : await db.asset.findUnique({ where: { id: twin.id }, select: { id: true } });
  if (!found) throw AppError.notFound(twin.kind, twin.id);
  return createExportLink({
    tenantId: tenant.id,
    tenantGroup: tenant.group,
    twin,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  });
}

export function createExportLink(claims: Omit<ExportClaims, "exp">, now = Date.now()): { url: string; expiresAt: Date } {
  if (new Date(claims.from) >= new Date(claims.to))
    throw AppError.badRequest("from must be before to", [{ path: "from", message: "must be before to" }]);
  const body = Buffer.from(JSON.stringify({ ...claims, exp: now + LINK_TTL_MS })).toString("base64url");
  return { url: `/api/export/measures?token=${body}.${sign(body)}`, expiresAt: new Date(now + LINK_TTL_MS) };
}

export function readExportToken(token: string, now = Date.now()): ExportClaims {
  const [body, mac] = token.split(".");
  if (!body || !mac) throw AppError.unauthorized("export link is not valid");
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw AppError.unauthorized("export link is not valid");
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as ExportClaims;
  if (claims.exp < now) throw AppError.unauthorized("export link expired: ask for a new one");
  return claims;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Value columns: every field of the twin's slot types; a point is two columns. */
async function valueColumns(db: Parameters<typeof measureTypeMap>[0], claims: ExportClaims) {
  const model =
    claims.twin.kind === "device"
      ? await getDeviceModel(db, (await modelOf(db, claims)) ?? "")
      : await getAssetModel(db, claims.tenantGroup, (await modelOf(db, claims)) ?? "");
  const types = await measureTypeMap(db);
  const columns: { header: string; get: (v: Record<string, unknown>) => unknown }[] = [];
  const seen = new Set<string>();
  for (const slot of model.measures) {
    for (const [field, spec] of Object.entries(types.get(slot.type)?.fields ?? {})) {
      if (seen.has(field)) continue;
      seen.add(field);
      if (spec.kind === "geopoint") {
        columns.push({ header: `${field}.lat`, get: (v) => (v[field] as { lat?: number } | undefined)?.lat });
        columns.push({ header: `${field}.lon`, get: (v) => (v[field] as { lon?: number } | undefined)?.lon });
      } else columns.push({ header: field, get: (v) => v[field] });
    }
  }
  return columns;
}

async function modelOf(db: Parameters<typeof measureTypeMap>[0], claims: ExportClaims): Promise<string | null> {
  const row =
    claims.twin.kind === "device"
      ? await db.device.findUnique({ where: { id: claims.twin.id }, select: { model: true } })
      : await db.asset.findUnique({ where: { id: claims.twin.id }, select: { model: true } });
  if (!row) throw AppError.notFound(claims.twin.kind, claims.twin.id);
  return row.model;
}

/** The CSV as a pull stream: each read of the client fetches the next rows of the cursor. */
export function streamMeasuresCsv(claims: ExportClaims): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let wanted: (() => void) | null = null;
  let demand = 0;
  let cancelled = false;
  const nextPull = () =>
    demand > 0
      ? Promise.resolve(void demand--)
      : new Promise<void>((resolve) => {
          wanted = resolve;
        });
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const where =
          claims.twin.kind === "device"
            ? Prisma.sql`origin_id = ${claims.twin.id}::uuid`
            : Prisma.sql`asset_id = ${claims.twin.id}::uuid`;
        withTenant(
          claims.tenantId,
          async (db) => {
            const columns = await valueColumns(db, claims);
            await db.$executeRaw`
              DECLARE measures_export NO SCROLL CURSOR FOR
              SELECT measured_at, ${claims.twin.kind === "device" ? Prisma.sql`name` : Prisma.sql`coalesce(slot, name)`} AS name, type, values
              FROM measures
              WHERE tenant_id = ${claims.tenantId}::uuid AND ${where} AND measured_at >= ${new Date(claims.from)} AND measured_at < ${new Date(claims.to)}
              ORDER BY measured_at, id`;
            controller.enqueue(
              encoder.encode(`${["measured_at", "name", "type", ...columns.map((c) => c.header)].map(csvCell).join(",")}\n`),
            );
            for (;;) {
              await nextPull();
              if (cancelled) break;
              const rows = await db.$queryRaw<
                { measured_at: Date; name: string; type: string; values: Record<string, unknown> }[]
              >`
                FETCH ${Prisma.raw(String(FETCH_ROWS))} FROM measures_export`;
              if (!rows.length) break;
              let chunk = "";
              for (const r of rows)
                chunk += `${[r.measured_at.toISOString(), r.name, r.type, ...columns.map((c) => c.get(r.values))].map(csvCell).join(",")}\n`;
              controller.enqueue(encoder.encode(chunk));
            }
          },
          { timeout: 30 * 60_000 },
        ).then(
          () => !cancelled && controller.close(),
          (error: unknown) => !cancelled && controller.error(error),
        );
      },
      pull() {
        if (wanted) {
          const resolve = wanted;
          wanted = null;
          resolve();
        } else demand++;
      },
      cancel() {
        cancelled = true;
        wanted?.();
      },
    },
    { highWaterMark: 1 },
  );
}
