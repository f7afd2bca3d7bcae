import { randomUUID } from "node:crypto";
import { Prisma, type TenantDb } from "@iot/db";
import { z } from "zod";
import type { TenantAccess } from "../auth/principal";
import { AppError, type AppErrorIssue } from "../errors";
import { getTenantGroup } from "../tenancy/groups";
import { getAssetModel } from "../twins/models";
import { type TDashboardDocument, withSettingsDefaults, ZDashboardDocument } from "./document";
import { dashboardTwins, type TDashboardTwin } from "./twin-ids";

// Dashboards as tenant documents. Who may see one: members with dashboards:read whose
// profiles meet its view (or edit) profiles, or any such member when it names none; who
// may change one: members with dashboards:write whose profiles meet its edit profiles (or
// any when none). Tenant admins (and platform admins) always may. Export gives a JSON file
// that imports into any tenant where its models and twins exist.

export interface TDashboard extends TDashboardDocument {
  id: string;
  fromTemplate: string | null;
  ownerId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Whether the caller may change it. */
  editable?: boolean;
  /** The ids of the twins it names (dashboards.get only). */
  twins?: TDashboardTwin[];
}

interface Row {
  id: string;
  title: string;
  description: string;
  icon: string;
  widgets: TDashboardDocument["widgets"];
  variables: TDashboardDocument["variables"];
  time_range: TDashboardDocument["timeRange"];
  refresh: TDashboardDocument["refresh"];
  view_profiles: string[];
  edit_profiles: string[];
  asset_model: string | null;
  from_template: string | null;
  owner_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const present = (r: Row): TDashboard => ({
  id: r.id,
  title: r.title,
  description: r.description,
  icon: r.icon,
  widgets: r.widgets,
  variables: r.variables,
  timeRange: r.time_range,
  refresh: r.refresh,
  viewProfiles: r.view_profiles,
  editProfiles: r.edit_profiles,
  assetModel: r.asset_model,
  fromTemplate: r.from_template,
  ownerId: r.owner_id,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMNS = Prisma.sql`id, title, description, icon, widgets, variables, time_range, refresh, view_profiles, edit_profiles,
  asset_model, from_template, owner_id, version, created_at, updated_at`;

/** Who the caller is in the tenant, for view and edit checks. */
export type TDashboardViewer = Pick<TenantAccess, "profiles" | "permissions"> | "system";

const isAdmin = (v: TDashboardViewer) => v === "system" || v.profiles.includes("admin");
const meets = (v: TDashboardViewer, profiles: string[]) =>
  isAdmin(v) || profiles.length === 0 || (v !== "system" && v.profiles.some((p) => profiles.includes(p)));

export const canView = (v: TDashboardViewer, d: Pick<TDashboard, "viewProfiles" | "editProfiles">) =>
  isAdmin(v) || d.viewProfiles.length === 0 || meets(v, [...d.viewProfiles, ...d.editProfiles]);
export const canEdit = (v: TDashboardViewer, d: Pick<TDashboard, "editProfiles">) =>
  v === "system" || (v.permissions.has("dashboards:write") && meets(v, d.editProfiles));

/** The document checked, then against the tenant: its asset model and profiles exist. */
async function checked(db: TenantDb, group: string, input: unknown, at = ""): Promise<TDashboardDocument> {
  const parsed = ZDashboardDocument.safeParse(input);
  const name = (path: PropertyKey[]) => [at, ...path.map(String)].filter(Boolean).join(".");
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: name(i.path), message: i.message }));
    throw AppError.badRequest(`the dashboard is not valid: ${describe(issues)}`, issues);
  }
  const doc = withSettingsDefaults(parsed.data);
  const issues: AppErrorIssue[] = [];
  if (doc.assetModel && !(await getAssetModel(db, group, doc.assetModel).catch(() => null)))
    issues.push({ path: name(["assetModel"]), message: `no asset model ${doc.assetModel} in this tenant's group` });
  const profiles = Object.keys(getTenantGroup(group).profiles);
  for (const key of ["viewProfiles", "editProfiles"] as const)
    doc[key].forEach((p, i) => {
      if (!profiles.includes(p)) issues.push({ path: name([key, i]), message: `no profile ${p}: one of ${profiles.join(", ")}` });
    });
  if (issues.length) throw AppError.badRequest(`the dashboard is not valid: ${describe(issues)}`, issues);
  return doc;
}

const describe = (issues: AppErrorIssue[]) =>
  issues
    .slice(0, 5)
    .map((i) => `${i.path || "(document)"}: ${i.message}`)
    .join("; ");

async function insert(
  db: TenantDb,
  doc: TDashboardDocument,
  ownerId: string | null,
  fromTemplate: string | null,
): Promise<TDashboard> {
  try {
    const [row] = await db.$queryRaw<Row[]>`
      INSERT INTO dashboards (id, tenant_id, title, description, icon, widgets, variables, time_range, refresh, view_profiles,
        edit_profiles, asset_model, from_template, owner_id)
      VALUES (${randomUUID()}::uuid, ${db.tenantId}::uuid, ${doc.title}, ${doc.description}, ${doc.icon},
        ${JSON.stringify(doc.widgets)}::jsonb, ${JSON.stringify(doc.variables)}::jsonb, ${JSON.stringify(doc.timeRange)}::jsonb,
        ${JSON.stringify(doc.refresh)}::jsonb, ${doc.viewProfiles}::text[], ${doc.editProfiles}::text[], ${doc.assetModel},
        ${fromTemplate}, ${ownerId}::uuid)
      RETURNING ${COLUMNS}`;
    return present(row as Row);
  } catch (error) {
    throw titleTaken(error, doc.title);
  }
}

export async function createDashboard(
  db: TenantDb,
  input: unknown,
  opts: { group: string; ownerId: string | null; fromTemplate?: string | null },
): Promise<TDashboard> {
  return insert(db, await checked(db, opts.group, input), opts.ownerId, opts.fromTemplate ?? null);
}

export const ZDashboardUpdateSchema = z.object({
  id: z.string().uuid(),
  /** Fields to change; the result is checked whole. */
  patch: z.object({}).passthrough(),
  /** CONFLICT when someone saved it since this version (the editor's "someone else saved"). */
  expectedVersion: z.number().int().positive().optional(),
});

export async function updateDashboard(
  db: TenantDb,
  viewer: TDashboardViewer,
  input: z.output<typeof ZDashboardUpdateSchema>,
  group: string,
): Promise<TDashboard> {
  const current = await row(db, input.id, true);
  const dashboard = present(current);
  if (!canView(viewer, dashboard)) throw AppError.notFound("dashboard", input.id);
  if (!canEdit(viewer, dashboard)) throw AppError.forbidden(`your profiles may not change dashboard ${dashboard.title}`);
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
    throw AppError.conflict(`dashboard ${dashboard.title} was saved by someone else (version ${current.version}); reload it`);
  const doc = await checked(db, group, { ...documentOf(dashboard), ...input.patch });
  if (!isAdmin(viewer) && !canEdit(viewer, doc))
    throw AppError.badRequest("you would lose the right to edit it: keep one of your profiles in editProfiles", [
      { path: "editProfiles", message: "must include one of your profiles" },
    ]);
  try {
    const [updated] = await db.$queryRaw<Row[]>`
      UPDATE dashboards SET title = ${doc.title}, description = ${doc.description}, icon = ${doc.icon},
        widgets = ${JSON.stringify(doc.widgets)}::jsonb, variables = ${JSON.stringify(doc.variables)}::jsonb,
        time_range = ${JSON.stringify(doc.timeRange)}::jsonb, refresh = ${JSON.stringify(doc.refresh)}::jsonb,
        view_profiles = ${doc.viewProfiles}::text[], edit_profiles = ${doc.editProfiles}::text[], asset_model = ${doc.assetModel},
        version = version + 1, updated_at = clock_timestamp()
      WHERE id = ${input.id}::uuid RETURNING ${COLUMNS}`;
    return { ...present(updated as Row), editable: true };
  } catch (error) {
    throw titleTaken(error, doc.title);
  }
}

export async function deleteDashboard(db: TenantDb, viewer: TDashboardViewer, id: string) {
  const dashboard = present(await row(db, id, true));
  if (!canView(viewer, dashboard)) throw AppError.notFound("dashboard", id);
  if (!canEdit(viewer, dashboard)) throw AppError.forbidden(`your profiles may not delete dashboard ${dashboard.title}`);
  await db.$executeRaw`DELETE FROM dashboards WHERE id = ${id}::uuid`;
  return { id, title: dashboard.title };
}

export async function getDashboard(db: TenantDb, viewer: TDashboardViewer, id: string): Promise<TDashboard> {
  const dashboard = present(await row(db, id, false));
  if (!canView(viewer, dashboard)) throw AppError.notFound("dashboard", id);
  return { ...dashboard, editable: canEdit(viewer, dashboard), twins: await dashboardTwins(db, dashboard) };
}

async function row(db: TenantDb, id: string, lock: boolean): Promise<Row> {
  const [found] = await db.$queryRaw<Row[]>`
    SELECT ${COLUMNS} FROM dashboards WHERE id = ${id}::uuid ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
  if (!found) throw AppError.notFound("dashboard", id);
  return found;
}

export const ZDashboardListSchema = z.object({
  /** Those bound to this asset model (the tabs of its assets' pages). */
  assetModel: z.string().max(64).optional(),
  text: z.string().max(200).optional(),
});

/** The dashboards the caller may see, by title, without their widgets (a list, not documents). */
export async function listDashboards(db: TenantDb, viewer: TDashboardViewer, input: z.output<typeof ZDashboardListSchema>) {
  const where: Prisma.Sql[] = [Prisma.sql`tenant_id = ${db.tenantId}::uuid`];
  if (input.assetModel) where.push(Prisma.sql`asset_model = ${input.assetModel}`);
  if (input.text) where.push(Prisma.sql`(title ILIKE ${`%${input.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`})`);
  const rows = await db.$queryRaw<Row[]>`SELECT ${COLUMNS} FROM dashboards WHERE ${Prisma.join(where, " AND ")} ORDER BY title`;
  return rows
    .map(present)
    .filter((d) => canView(viewer, d))
    .map(({ widgets, ...d }) => ({ ...d, widgetCount: widgets.length, editable: canEdit(viewer, d) }));
}

export const DASHBOARD_FILE_FORMAT = "iot-platform/dashboard";
export const DASHBOARD_FILE_VERSION = 1;

const documentOf = ({
  id: _i,
  fromTemplate: _f,
  ownerId: _o,
  version: _v,
  createdAt: _c,
  updatedAt: _u,
  editable: _e,
  twins: _t,
  ...doc
}: TDashboard) => doc;

/** The dashboard as a file: its document only (no ids), importable into any tenant. */
export async function exportDashboard(db: TenantDb, viewer: TDashboardViewer, id: string) {
  const dashboard = await getDashboard(db, viewer, id);
  return {
    format: DASHBOARD_FILE_FORMAT,
    version: DASHBOARD_FILE_VERSION,
    exportedAt: new Date(),
    dashboard: documentOf(dashboard),
  };
}

export const ZDashboardImportSchema = z.object({
  /** The exported file's content: parsed JSON, or the file's text. */
  file: z.unknown(),
  /** A title instead of the file's. */
  title: z.string().trim().min(1).max(120).optional(),
});

/** The file's JSON: given parsed, or as the file's text (parsed here, a broken one refused with where it breaks). */
function fileContent(file: unknown): unknown {
  if (typeof file !== "string") return file;
  try {
    return JSON.parse(file);
  } catch (e) {
    const why = (e as Error).message;
    throw AppError.badRequest(`not a dashboard file: the text is not JSON (${why})`, [
      { path: "file", message: `is not JSON: ${why}` },
    ]);
  }
}

/** A file checked (its format, then the dashboard, errors naming `dashboard.widgets.0...`); a title taken gets " (2)"... */
export async function importDashboard(
  db: TenantDb,
  input: z.output<typeof ZDashboardImportSchema>,
  opts: { group: string; ownerId: string | null },
): Promise<TDashboard> {
  const file = fileContent(input.file) as { format?: unknown; version?: unknown; dashboard?: unknown } | null;
  if (!file || typeof file !== "object" || Array.isArray(file))
    throw AppError.badRequest("not a dashboard file: expected a JSON object", [
      { path: "file", message: "must be a JSON object" },
    ]);
  if (file.format !== DASHBOARD_FILE_FORMAT)
    throw AppError.badRequest(`not a dashboard file: format must be "${DASHBOARD_FILE_FORMAT}"`, [
      { path: "format", message: `must be "${DASHBOARD_FILE_FORMAT}"` },
    ]);
  if (file.version !== DASHBOARD_FILE_VERSION)
    throw AppError.badRequest(`unsupported dashboard file version ${String(file.version)}`, [
      { path: "version", message: `must be ${DASHBOARD_FILE_VERSION}` },
    ]);
  const raw = file.dashboard && typeof file.dashboard === "object" ? { ...(file.dashboard as object) } : file.dashboard;
  if (input.title && raw && typeof raw === "object") (raw as { title?: string }).title = input.title;
  const doc = await checked(db, opts.group, raw, "dashboard");
  const taken = new Set(
    (await db.$queryRaw<{ title: string }[]>`SELECT title FROM dashboards WHERE tenant_id = ${db.tenantId}::uuid`).map(
      (r) => r.title,
    ),
  );
  let title = doc.title;
  for (let n = 2; taken.has(title); n++) title = `${doc.title} (${n})`;
  return insert(db, { ...doc, title }, opts.ownerId, null);
}

function titleTaken(error: unknown, title: string): unknown {
  const text = String((error as Error)?.message ?? "");
  if (text.includes("dashboards_tenant_title_key") || (error as { code?: string })?.code === "P2002")
    return AppError.conflict(`a dashboard titled "${title}" already exists`);
  return error;
}
