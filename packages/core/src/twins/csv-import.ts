import { randomUUID } from "node:crypto";
import { Prisma, type PlatformDb, type TenantDb } from "@iot/db";
import { parse } from "csv-parse/sync";
import { AppError } from "../errors";
import { emitAfterCommit } from "../events/bus";
import { json } from "./json";
import { type TMetadataMappings, mergeMetadata, validateMetadata } from "./metadata";
import { listAssetModels, listDeviceModels } from "./models";

// CSV imports of the device catalog and of a tenant's assets. Every row is checked on
// its own: bad rows are reported with their line and reason, good rows are kept and
// inserted in batches (never a query per row). Columns: model, reference, then one
// `metadata.<field>` column per metadata field; devices may also name a `tenant` (id or name).

export const MAX_IMPORT_ROWS = 50_000;
const BATCH = 1000;

export interface TImportReport {
  total: number;
  created: number;
  errors: { line: number; reason: string }[];
}

interface CsvRow {
  line: number;
  record: Record<string, string>;
}

function parseCsv(text: string, required: string[]): { rows: CsvRow[]; errors: TImportReport["errors"] } {
  const errors: TImportReport["errors"] = [];
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (err: { lines?: number; message: string } | undefined) => {
        if (err) errors.push({ line: err.lines ?? 0, reason: err.message });
      },
    });
  } catch (e) {
    throw AppError.badRequest(`the file is not CSV: ${(e as Error).message}`, [{ path: "file", message: "not CSV" }]);
  }
  const header = Object.keys(parsed[0]?.record ?? {});
  const missing = required.filter((c) => !header.includes(c));
  if (parsed.length && missing.length) {
    throw AppError.badRequest(`missing column(s): ${missing.join(", ")}`, [
      { path: "file", message: `the header needs ${required.join(", ")}` },
    ]);
  }
  if (parsed.length > MAX_IMPORT_ROWS)
    throw AppError.badRequest(`at most ${MAX_IMPORT_ROWS} rows per file`, [{ path: "file", message: "too many rows" }]);
  return { rows: parsed.map((p) => ({ line: p.info.lines, record: p.record })), errors };
}

/** `metadata.<field>` cells to typed values: numbers, booleans, "lat,lon" points; empty cells are left out. */
function metadataOf(record: Record<string, string>, mappings: TMetadataMappings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    if (!column.startsWith("metadata.") || raw === "") continue;
    const field = column.slice("metadata.".length);
    const type = mappings[field]?.type;
    if (type === "integer" || type === "float") out[field] = Number(raw);
    else if (type === "boolean") out[field] = raw === "true" ? true : raw === "false" ? false : raw;
    else if (type === "geopoint") {
      const [lat, lon] = raw.split(",").map((v) => Number(v.trim()));
      out[field] = { lat, lon };
    } else out[field] = raw;
  }
  return out;
}

function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.message : (error as Error).message;
}

async function existingPairs(
  db: TenantDb | PlatformDb,
  table: "devices" | "assets",
  pairs: { model: string; reference: string }[],
) {
  if (!pairs.length) return new Set<string>();
  const rows = await db.$queryRaw<{ model: string; reference: string }[]>`
    SELECT model, reference FROM ${Prisma.raw(table)}
    WHERE (model, reference) IN (SELECT * FROM unnest(${pairs.map((p) => p.model)}::text[], ${pairs.map((p) => p.reference)}::text[]))`;
  return new Set(rows.map((r) => `${r.model}\u0000${r.reference}`));
}

/** Checks each row, drops duplicates (in the file or already stored), returns the good ones. */
async function checkRows<T extends { model: string; reference: string }>(
  db: TenantDb | PlatformDb,
  table: "devices" | "assets",
  rows: CsvRow[],
  errors: TImportReport["errors"],
  build: (row: CsvRow) => Promise<T> | T,
): Promise<(T & { line: number })[]> {
  const good: (T & { line: number })[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    try {
      const item = await build(row);
      const key = `${item.model}\u0000${item.reference}`;
      const first = seen.get(key);
      if (first) throw new Error(`duplicate of line ${first}`);
      seen.set(key, row.line);
      good.push({ ...item, line: row.line });
    } catch (error) {
      errors.push({ line: row.line, reason: reasonOf(error) });
    }
  }
  const stored = await existingPairs(db, table, good);
  return good.filter((g) => {
    if (!stored.has(`${g.model}\u0000${g.reference}`)) return true;
    errors.push({ line: g.line, reason: `${table === "devices" ? "device" : "asset"} ${g.model}/${g.reference} already exists` });
    return false;
  });
}

function reference(record: Record<string, string>): string {
  const ref = record.reference ?? "";
  if (!ref) throw new Error("reference is empty");
  if (ref.length > 128) throw new Error("reference is longer than 128 characters");
  return ref;
}

export async function importDevicesCsv(db: PlatformDb, text: string): Promise<TImportReport> {
  const { rows, errors } = parseCsv(text, ["model", "reference"]);
  const unreadable = errors.length;
  const models = new Map((await listDeviceModels(db)).map((m) => [m.model, m]));
  const tenants = await db.tenant.findMany({ select: { id: true, name: true } });
  const tenantOf = new Map(tenants.flatMap((t) => [[t.id, t.id] as const, [t.name, t.id] as const]));
  const good = await checkRows(db, "devices", rows, errors, ({ record }) => {
    const model = models.get(record.model ?? "");
    if (!model) throw new Error(`unknown device model "${record.model ?? ""}"`);
    const tenantCell = record.tenant ?? "";
    const tenantId = tenantCell ? tenantOf.get(tenantCell) : null;
    if (tenantId === undefined) throw new Error(`unknown tenant "${tenantCell}"`);
    const metadata = validateMetadata(
      model.metadataMappings,
      mergeMetadata(model.defaultMetadata, metadataOf(record, model.metadataMappings)),
      { partial: false },
    );
    return { id: randomUUID(), model: model.model, reference: reference(record), tenantId, metadata };
  });
  for (let i = 0; i < good.length; i += BATCH) {
    await db.device.createMany({
      data: good.slice(i, i + BATCH).map(({ line: _, metadata, ...d }) => ({ ...d, metadata: json(metadata) })),
    });
  }
  for (const d of good) {
    emitAfterCommit(db, "device.created", { deviceId: d.id, model: d.model, reference: d.reference, tenantId: d.tenantId });
    if (d.tenantId) emitAfterCommit(db, "device.attached", { deviceId: d.id, tenantId: d.tenantId });
  }
  return { total: rows.length + unreadable, created: good.length, errors: errors.sort((a, b) => a.line - b.line) };
}

export async function importAssetsCsv(
  db: TenantDb,
  tenantGroup: string,
  text: string,
  actor: string | null,
): Promise<TImportReport> {
  const { rows, errors } = parseCsv(text, ["model", "reference"]);
  const unreadable = errors.length;
  const models = new Map((await listAssetModels(db, tenantGroup)).map((m) => [m.model, m]));
  const good = await checkRows(db, "assets", rows, errors, ({ record }) => {
    const model = models.get(record.model ?? "");
    if (!model) throw new Error(`unknown asset model "${record.model ?? ""}" for group ${tenantGroup}`);
    const metadata = validateMetadata(
      model.metadataMappings,
      mergeMetadata(model.defaultMetadata, metadataOf(record, model.metadataMappings)),
      { partial: false },
    );
    return { id: randomUUID(), model: model.model, reference: reference(record), metadata };
  });
  for (let i = 0; i < good.length; i += BATCH) {
    const batch = good.slice(i, i + BATCH);
    await db.asset.createMany({
      data: batch.map(({ line: _, metadata, ...a }) => ({ ...a, tenantId: db.tenantId, metadata: json(metadata) })),
    });
    await db.assetHistory.createMany({
      data: batch.map((a) => ({
        tenantId: db.tenantId,
        assetId: a.id,
        event: "created",
        details: { model: a.model, reference: a.reference, source: "csv" },
        actor,
      })),
    });
  }
  for (const a of good)
    emitAfterCommit(db, "asset.created", { assetId: a.id, tenantId: db.tenantId, model: a.model, reference: a.reference });
  return { total: rows.length + unreadable, created: good.length, errors: errors.sort((a, b) => a.line - b.line) };
}
