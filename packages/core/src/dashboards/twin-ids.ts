import { Prisma, type TenantDb } from "@iot/db";
import type { TDashboardDocument } from "./document";

// A dashboard names its twins by model and reference (so its file imports anywhere); the
// console needs their ids to ask for measures. Resolving them with the dashboard, in one
// query per kind, spares the page a round trip of lookups before its first chart query.

export interface TDashboardTwin {
  kind: "asset" | "device";
  model: string;
  reference: string;
  id: string;
}

type Ref = Omit<TDashboardTwin, "id">;

/** The twins the widgets name and the variables' defaults, as found in the tenant (missing ones are left out). */
export async function dashboardTwins(
  db: TenantDb,
  doc: Pick<TDashboardDocument, "widgets" | "variables">,
): Promise<TDashboardTwin[]> {
  const wanted = new Map<string, Ref>();
  const add = (ref: Ref) => wanted.set(`${ref.kind}/${ref.model}/${ref.reference}`, ref);
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) {
        const twin = v as Partial<Ref> | null;
        if (k === "twin" && twin && (twin.kind === "asset" || twin.kind === "device") && twin.model && twin.reference)
          add({ kind: twin.kind, model: twin.model, reference: twin.reference });
        else walk(v);
      }
  };
  for (const w of doc.widgets) walk(w.settings);
  for (const v of doc.variables) if (v.default && v.model) add({ kind: v.kind, model: v.model, reference: v.default });

  const found: TDashboardTwin[] = [];
  for (const kind of ["asset", "device"] as const) {
    const refs = [...wanted.values()].filter((r) => r.kind === kind);
    if (!refs.length) continue;
    const table = kind === "asset" ? Prisma.sql`assets` : Prisma.sql`devices`;
    const rows = await db.$queryRaw<{ id: string; model: string; reference: string }[]>`
      SELECT t.id, t.model, t.reference FROM ${table} t
      JOIN unnest(${refs.map((r) => r.model)}::text[], ${refs.map((r) => r.reference)}::text[]) AS w(model, reference)
        ON t.model = w.model AND t.reference = w.reference`;
    for (const r of rows) found.push({ kind, ...r });
  }
  return found;
}
