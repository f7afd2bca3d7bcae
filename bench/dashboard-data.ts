// The data of bench/dashboard.ts, in its own database: a tenant of the asset_tracking group
// (its Container model has position and temperature), 10 Container assets with a year of
// temperatures every 15 minutes, 10,000 more spread over Europe with a last position and
// temperature, three open alerts, and the two dashboards timed. Imported after
// benchDatabase() has set the database's environment.
import pg from "pg";
import { benchTenant, int } from "./lib";

const { withTenant } = await import("@iot/db");
const { createAsset, createDashboard, createRule, ingestBatch, raiseAlert } = await import("@iot/core");
type TenantDb = import("@iot/db").TenantDb;
type IngestInput = import("@iot/core").TIngestInput;

export const GROUP = "asset_tracking";
export const MODEL = "Container";
const QUARTER_MS = 15 * 60_000;
const YEAR_POINTS = 365 * 96;
/** Measures per asset in one ingestion call: 10 assets at once, 40,000 measures a call. */
const CHUNK_POINTS = 4000;
const MAP_BATCH = 1000;

// chart assets sort before the map's (C-MAP-…): the table's first page shows them
export const chartRefs = (n: number) => Array.from({ length: n }, (_, i) => `C-TEMP-${String(i + 1).padStart(2, "0")}`);
const mapRef = (i: number) => `C-MAP-${String(i + 1).padStart(5, "0")}`;

export interface DashboardIds {
  a: string;
  b: string;
  /** A in live mode. */
  c: string;
  alerts: number;
  tablePageSize: number;
}

export interface BenchData {
  tenantId: string;
  email: string;
  password: string;
  /** The 10 assets of the charts (the live run publishes theirs). */
  chartAssets: { id: string; reference: string }[];
  dashboards: DashboardIds;
}

/** A year of readings, seasonal and daily swings apart per asset, reproducible run to run. */
function temperature(asset: number, at: number) {
  const day = at / 86_400_000;
  const noise = Math.sin(at / 7_919_000 + asset * 13.7) * 0.6 + Math.sin(at / 1_303_000 + asset) * 0.3;
  return (
    Math.round((6 + asset * 0.4 + 8 * Math.sin((2 * Math.PI * day) / 365) + 3 * Math.sin(2 * Math.PI * day) + noise) * 100) / 100
  );
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

async function yearOfTemperatures(tenantId: string, assetIds: string[], now: number) {
  const t0 = performance.now();
  const first = now - (YEAR_POINTS - 1) * QUARTER_MS;
  let inserted = 0;
  // in time order, as a fleet's history arrives: each call extends every asset's series
  for (let from = 0; from < YEAR_POINTS; from += CHUNK_POINTS) {
    const count = Math.min(CHUNK_POINTS, YEAR_POINTS - from);
    const inputs: IngestInput[] = assetIds.map((assetId, a) => ({
      source: { kind: "api", assetId },
      measures: Array.from({ length: count }, (_, k) => {
        const at = first + (from + k) * QUARTER_MS;
        return {
          measuredAt: new Date(at),
          type: "temperature",
          name: "temperature",
          values: { temperature: temperature(a, at) },
        };
      }),
    }));
    const results = await withTenant(tenantId, (db) => ingestBatch(db, GROUP, inputs), { timeout: 600_000 });
    inserted += results.reduce((n, r) => n + r.inserted, 0);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(
    `year: ${int(inserted)} temperatures of ${assetIds.length} assets (every 15 min) through ingestBatch, ` +
      `${int(assetIds.length * CHUNK_POINTS)} a call, in ${s.toFixed(1)} s (${int(inserted / s)}/s)`,
  );
  return inserted;
}

/** Deterministic spread over Europe (36–70°N, 10°W–30°E), denser in the middle. */
function europe(i: number) {
  const u = (Math.sin(i * 12.9898) * 43_758.5453) % 1;
  const v = (Math.sin(i * 78.233) * 24_634.6345) % 1;
  const w = (Math.sin(i * 39.346) * 11_135.1234) % 1;
  return {
    lat: Math.round((36 + 34 * ((Math.abs(u) + Math.abs(w)) / 2)) * 1e5) / 1e5,
    lon: Math.round((-10 + 40 * Math.abs(v)) * 1e5) / 1e5,
  };
}

/**
 * The map's assets: rows made in bulk (createMany as the app role under RLS: no history
 * "created" entries, which the map does not read), then their last position and temperature
 * through ingestBatch, so `measures` is exactly what the pipeline writes.
 */
async function mapAssets(tenantId: string, count: number, now: number) {
  const t0 = performance.now();
  for (let from = 0; from < count; from += 2000)
    await withTenant(tenantId, (db) =>
      db.asset.createMany({
        data: Array.from({ length: Math.min(2000, count - from) }, (_, k) => ({
          tenantId,
          model: MODEL,
          reference: mapRef(from + k),
        })),
      }),
    );
  const rows = await withTenant(tenantId, (db) =>
    db.asset.findMany({ where: { reference: { startsWith: "C-MAP-" } }, select: { id: true, reference: true } }),
  );
  const created = performance.now();
  for (let from = 0; from < rows.length; from += MAP_BATCH) {
    const inputs: IngestInput[] = rows.slice(from, from + MAP_BATCH).map((r) => {
      const i = Number(r.reference.slice(6));
      const measuredAt = new Date(now - (i % 1440) * 60_000);
      return {
        source: { kind: "api", assetId: r.id },
        measures: [
          { measuredAt, type: "position", name: "position", values: { position: europe(i) } },
          {
            measuredAt,
            type: "temperature",
            name: "temperature",
            values: { temperature: temperature(i % 10, measuredAt.getTime()) },
          },
        ],
      };
    });
    await withTenant(tenantId, (db) => ingestBatch(db, GROUP, inputs), { timeout: 120_000 });
  }
  console.log(
    `map: ${int(rows.length)} assets created in ${((created - t0) / 1000).toFixed(1)} s, ` +
      `a position and a temperature each through ingestBatch (${int(MAP_BATCH)} assets a call) in ${seconds(created)} s`,
  );
}

/** Open alerts on the first chart assets: the alerts widget has rows to show. */
async function openAlerts(db: TenantDb, ownerId: string, twins: { id: string; reference: string }[]) {
  const rule = await createRule(
    db,
    {
      name: "bench: container too warm",
      enabled: false,
      trigger: { type: "event", event: "measures.processed", models: [MODEL] },
      condition: { field: "measure.values.temperature", op: "gt", value: 20 },
      steps: [{ task: "raiseAlert", args: { severity: "warning", message: "{{measure.values.temperature}} °C" } }],
    },
    { ownerId, group: GROUP },
  );
  for (const t of twins)
    await raiseAlert(db, {
      rule: { id: rule.id, name: rule.name },
      twin: { kind: "asset", id: t.id, model: MODEL, reference: t.reference },
      severity: "warning",
      message: `${t.reference} above 20 °C`,
      autoClear: false,
      runId: null,
    });
}

const twin = (reference: string) => ({ twin: { kind: "asset" as const, model: MODEL, reference } });
const series = (reference: string) => ({
  source: twin(reference),
  measure: "temperature",
  field: "temperature",
  label: reference,
});

function dashboardA(refs: string[], pageSize: number) {
  const first = refs[0] as string;
  return {
    title: "Bench: a year of 10 containers",
    timeRange: { relative: "365d" },
    refresh: { mode: "off" },
    widgets: [
      {
        id: "line",
        type: "chart",
        title: "Temperatures",
        settings: { kind: "line", series: refs.map(series) },
        layout: { x: 0, y: 0, w: 8, h: 8 },
      },
      {
        id: "area",
        type: "chart",
        title: "Two containers",
        settings: { kind: "area", series: refs.slice(0, 2).map(series) },
        layout: { x: 8, y: 0, w: 4, h: 8 },
      },
      {
        id: "value",
        type: "value",
        title: first,
        settings: { source: twin(first), measure: "temperature", field: "temperature", unit: "°C" },
        layout: { x: 0, y: 8, w: 3, h: 4 },
      },
      {
        id: "gauge",
        type: "gauge",
        title: first,
        settings: { source: twin(first), measure: "temperature", field: "temperature", min: -10, max: 40, unit: "°C" },
        layout: { x: 3, y: 8, w: 3, h: 4 },
      },
      {
        id: "table",
        type: "table",
        title: "Containers",
        settings: {
          of: "assets",
          model: MODEL,
          columns: [{ kind: "reference" }, { kind: "measure", measure: "temperature", field: "temperature", label: "°C" }],
          pageSize,
        },
        layout: { x: 6, y: 8, w: 6, h: 8 },
      },
      {
        id: "alerts",
        type: "alerts",
        title: "Open alerts",
        settings: { model: MODEL },
        layout: { x: 0, y: 12, w: 6, h: 4 },
      },
    ],
  };
}

const dashboardB = {
  title: "Bench: 10,000 containers on a map",
  timeRange: { relative: "24h" },
  refresh: { mode: "off" },
  widgets: [
    {
      id: "map",
      type: "map",
      title: "Containers",
      settings: { of: "assets", model: MODEL, cluster: true },
      layout: { x: 0, y: 0, w: 12, h: 14 },
    },
  ],
};

/** Checks the rollups the chart reads hold every measure (hourly and daily), as ingestion keeps them. */
async function checkRollups(ownerUrl: string, tenantId: string, expected: number) {
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query<{ day: string; hour: string }>(
      `SELECT (SELECT sum(count) FROM measure_rollups WHERE tenant_id = $1 AND key = 'temperature' AND granularity = 'day')::bigint AS day,
              (SELECT sum(count) FROM measure_rollups WHERE tenant_id = $1 AND key = 'temperature' AND granularity = 'hour')::bigint AS hour`,
      [tenantId],
    );
    const { day, hour } = rows[0] ?? { day: "0", hour: "0" };
    if (Number(day) !== expected || Number(hour) !== expected)
      throw new Error(`rollups count ${day} (day), ${hour} (hour) temperatures of ${expected}`);
    // what autovacuum would have done by the time anyone opens a dashboard
    for (const table of ["measures", "measure_rollups", "assets", "alerts"]) await owner.query(`VACUUM ANALYZE ${table}`);
  } finally {
    await owner.end();
  }
}

export async function loadDashboardData(
  urls: { app: string; owner: string; admin: string },
  dbName: string,
  opts: { chartAssets: number; mapAssets: number },
): Promise<BenchData> {
  const t0 = performance.now();
  const now = Math.floor(Date.now() / QUARTER_MS) * QUARTER_MS;
  const { tenantId, userId, email, password } = await benchTenant(urls, dbName, "Bench Dashboards", GROUP);
  const refs = chartRefs(opts.chartAssets);
  const chart = await withTenant(tenantId, async (db) => {
    const made = [];
    for (const reference of refs) made.push(await createAsset(db, GROUP, { model: MODEL, reference, metadata: {} }, userId));
    return made;
  });
  const inserted = await yearOfTemperatures(
    tenantId,
    chart.map((a) => a.id),
    now,
  );
  await mapAssets(tenantId, opts.mapAssets, now);
  const alerts = chart.slice(0, 3);
  const tablePageSize = 20;
  const dashboards = await withTenant(tenantId, async (db) => {
    await openAlerts(db, userId, alerts);
    const a = await createDashboard(db, dashboardA(refs, tablePageSize), { group: GROUP, ownerId: userId });
    const b = await createDashboard(db, dashboardB, { group: GROUP, ownerId: userId });
    const live = { ...dashboardA(refs, tablePageSize), title: "Bench: the 10 containers live", refresh: { mode: "live" } };
    const c = await createDashboard(db, live, { group: GROUP, ownerId: userId });
    return { a: a.id, b: b.id, c: c.id };
  });
  await checkRollups(urls.owner, tenantId, inserted + opts.mapAssets);
  console.log(`data loaded in ${seconds(t0)} s (rollups checked, tables analyzed)`);
  return {
    tenantId,
    email,
    password,
    chartAssets: chart.map((a) => ({ id: a.id, reference: a.reference })),
    dashboards: {
      ...dashboards,
      alerts: alerts.length,
      tablePageSize,
    },
  };
}
