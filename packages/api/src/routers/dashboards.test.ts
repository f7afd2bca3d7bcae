import { randomUUID } from "node:crypto";
import { registerTenantGroup } from "@iot/core";
import { describe, expect, it } from "vitest";
import { expectCode, newTenant, signedInMember, signedInPlatformAdmin } from "../testkit";

// Dashboards as documents: every procedure, field-naming errors, import of bad files,
// view and edit profiles, model binding, templates of tenant groups, tenant isolation.

const chart = (id = "temps") => ({
  id,
  type: "chart",
  title: "Temperatures",
  settings: {
    kind: "line",
    series: [{ source: { variable: "asset" }, measure: "temperature", field: "temperature" }],
    thresholds: [{ value: 30, color: "#ef4444", label: "hot" }],
  },
  layout: { x: 0, y: 0, w: 8, h: 6 },
});

const doc = (extra: Record<string, unknown> = {}) => ({
  title: `Rooms ${randomUUID().slice(0, 6)}`,
  variables: [{ name: "asset", label: "Room", kind: "asset" as const, model: "Room", default: "lobby" }],
  widgets: [
    chart(),
    {
      id: "rooms",
      type: "table",
      settings: { of: "assets", model: "Room", columns: [{ kind: "reference" }, { kind: "metadata", field: "floor" }] },
      layout: { x: 8, y: 0, w: 4, h: 6 },
    },
    { id: "map", type: "map", settings: {}, layout: { x: 0, y: 6, w: 12, h: 8 }, smallLayout: { x: 0, y: 12, w: 4, h: 6 } },
  ],
  timeRange: { relative: "7d" as const },
  refresh: { mode: "interval" as const, seconds: 30 },
  ...extra,
});

async function world() {
  const admin = await signedInPlatformAdmin();
  const tenant = await newTenant(admin);
  const other = await newTenant(admin);
  const tenantAdmin = await signedInMember(admin, tenant.id, ["admin"]);
  return { admin, tenant, other, tenantAdmin, api: tenantAdmin.as() };
}

/** The issues' paths of a BAD_REQUEST. */
async function badPaths(promise: Promise<unknown>): Promise<string[]> {
  const error = await expectCode(promise, "BAD_REQUEST");
  const cause = error.cause as { issues?: { path: unknown[] | string }[]; details?: { issues?: { path: string }[] } } | undefined;
  const issues = cause?.issues ?? cause?.details?.issues ?? [];
  return issues.map((i) => (Array.isArray(i.path) ? i.path.join(".") : String(i.path)));
}

describe("dashboards", () => {
  it("creates, gets, lists, updates (with versions), exports and deletes", async () => {
    const { api } = await world();
    const created = await api.dashboards.create(doc());
    expect(created).toMatchObject({ version: 1, timeRange: { relative: "7d" }, refresh: { mode: "interval", seconds: 30 } });
    // settings defaults are stored, so what the editor reloads is what it shows
    expect(created.widgets[2]?.settings).toMatchObject({ of: "assets", cluster: true, colorBy: { kind: "alerts" } });

    const got = await api.dashboards.get({ id: created.id });
    expect(got).toMatchObject({ title: created.title, editable: true });
    expect(got.widgets.map((w) => w.id)).toEqual(["temps", "rooms", "map"]);
    // the twins it names come with their ids (the variable's default room here; none is missing)
    const lobby = await api.assets.get({ model: "Room", reference: "lobby" });
    expect(got.twins).toEqual([{ kind: "asset", model: "Room", reference: "lobby", id: lobby.id }]);
    const fixed = await api.dashboards.create(
      doc({
        variables: [],
        widgets: [
          {
            ...chart("fixed"),
            settings: {
              series: [
                {
                  source: { twin: { kind: "asset", model: "Room", reference: "lobby" } },
                  measure: "temperature",
                  field: "temperature",
                },
                {
                  source: { twin: { kind: "device", model: "Nope", reference: "x" } },
                  measure: "temperature",
                  field: "temperature",
                },
              ],
            },
          },
        ],
      }),
    );
    expect((await api.dashboards.get({ id: fixed.id })).twins).toEqual([
      { kind: "asset", model: "Room", reference: "lobby", id: lobby.id },
    ]);
    expect((await api.dashboards.list()).map((d) => d.id)).toContain(created.id);

    const moved = await api.dashboards.update({
      id: created.id,
      expectedVersion: 1,
      patch: { widgets: [{ ...chart(), layout: { x: 2, y: 1, w: 10, h: 5 } }] },
    });
    expect(moved).toMatchObject({ version: 2, widgets: [{ id: "temps", layout: { x: 2, y: 1, w: 10, h: 5 } }] });
    await expectCode(api.dashboards.update({ id: created.id, expectedVersion: 1, patch: { title: "stale" } }), "CONFLICT");
    await expectCode(api.dashboards.create({ ...doc(), title: created.title }), "CONFLICT");

    const file = await api.dashboards.export({ id: created.id });
    expect(file).toMatchObject({ format: "iot-platform/dashboard", version: 1, dashboard: { title: created.title } });
    expect(JSON.stringify(file)).not.toContain(created.id);

    await api.dashboards.delete({ id: created.id });
    await expectCode(api.dashboards.get({ id: created.id }), "NOT_FOUND");
    expect((await api.dashboards.widgetTypes()).map((t) => t.type)).toEqual([
      "chart",
      "table",
      "map",
      "value",
      "gauge",
      "alerts",
    ]);
  });

  it("refuses bad documents with BAD_REQUEST naming the field", async () => {
    const { api } = await world();
    const withWidget = (w: Record<string, unknown>) => doc({ widgets: [{ ...chart(), ...w }] });
    expect(await badPaths(api.dashboards.create(withWidget({ type: "pie" })))).toContain("widgets.0.type");
    expect(
      await badPaths(
        api.dashboards.create(
          withWidget({ settings: { series: [{ source: { variable: "asset" }, measure: "temperature", field: "t-1" }] } }),
        ),
      ),
    ).toContain("widgets.0.settings.series.0.field");
    expect(
      await badPaths(
        api.dashboards.create(
          withWidget({ settings: { series: [{ source: { variable: "room" }, measure: "temperature", field: "t" }] } }),
        ),
      ),
    ).toContain("widgets.0.settings.series.0.source.variable");
    expect(await badPaths(api.dashboards.create(withWidget({ layout: { x: 6, y: 0, w: 8, h: 4 } })))).toContain(
      "widgets.0.layout.w",
    );
    expect(await badPaths(api.dashboards.create(doc({ widgets: [chart("a"), chart("a")] })))).toContain("widgets.1.id");
    expect(await badPaths(api.dashboards.create(doc({ timeRange: { relative: "2h" } })))).toContain("timeRange");
    expect(await badPaths(api.dashboards.create(doc({ assetModel: "Spaceship" })))).toContain("assetModel");
    expect(await badPaths(api.dashboards.create(doc({ viewProfiles: ["admin", "janitor"] })))).toContain("viewProfiles.1");
    // an alerts widget follows one twin or a variable's, not both
    const room = { kind: "asset", model: "Room", reference: "lobby" };
    const alerts = (settings: object) => withWidget({ type: "alerts", settings });
    expect(await badPaths(api.dashboards.create(alerts({ twin: room, variable: "asset" })))).toContain(
      "widgets.0.settings.variable",
    );
    const fixed = await api.dashboards.create(alerts({ twin: room, severity: ["critical"] }));
    expect(fixed.widgets[0]?.settings).toMatchObject({ twin: room, severity: ["critical"], limit: 20 });
    // the twin it names is resolved with the dashboard, as a chart's are
    expect(((await api.dashboards.get({ id: fixed.id })).twins ?? []).map((t) => t.reference)).toContain("lobby");
  });

  it("imports an exported file into another tenant; bad files get errors naming the field", async () => {
    const { admin, api, other } = await world();
    const created = await api.dashboards.create(doc());
    const file = JSON.parse(JSON.stringify(await api.dashboards.export({ id: created.id })));
    const theirs = admin.as(other.id);
    const imported = await theirs.dashboards.import({ file });
    expect(imported).toMatchObject({ title: created.title, widgets: created.widgets, variables: created.variables });
    // imported again: the title is taken, so it gets a number
    expect((await theirs.dashboards.import({ file })).title).toBe(`${created.title} (2)`);
    expect((await theirs.dashboards.import({ file, title: "Mine" })).title).toBe("Mine");

    // the file's text is taken as well as its parsed JSON; text that is not JSON is refused saying where it breaks
    const text = JSON.stringify(file, null, 2);
    expect((await theirs.dashboards.import({ file: text, title: "From text" })).widgets).toEqual(created.widgets);
    const cut = await expectCode(theirs.dashboards.import({ file: text.slice(0, 40) }), "BAD_REQUEST");
    expect(cut.message).toMatch(/not JSON/);
    expect(await badPaths(theirs.dashboards.import({ file: text.slice(0, 40) }))).toEqual(["file"]);
    expect(await badPaths(theirs.dashboards.import({ file: "[1, 2]" }))).toEqual(["file"]);
    expect(await badPaths(theirs.dashboards.import({ file: 42 }))).toEqual(["file"]);
    expect(await badPaths(theirs.dashboards.import({ file: { ...file, format: "grafana" } }))).toEqual(["format"]);
    expect(await badPaths(theirs.dashboards.import({ file: { ...file, version: 9 } }))).toEqual(["version"]);
    const broken = structuredClone(file);
    broken.dashboard.widgets[0].settings.kind = "pie";
    expect(await badPaths(theirs.dashboards.import({ file: broken }))).toEqual(["dashboard.widgets.0.settings.kind"]);
  });

  it("lets only the profiles it names view or edit it", async () => {
    const { admin, tenant, api } = await world();
    const viewer = await signedInMember(admin, tenant.id, ["viewer"]);
    const editor = await signedInMember(admin, tenant.id, ["editor"]);
    const adminsOnly = await api.dashboards.create(doc({ viewProfiles: ["admin"] }));
    const readOnly = await api.dashboards.create(doc({ editProfiles: ["admin"] }));
    const open = await api.dashboards.create(doc());

    await expectCode(viewer.as().dashboards.get({ id: adminsOnly.id }), "NOT_FOUND");
    const seen = (await viewer.as().dashboards.list()).map((d) => d.id);
    expect(seen).toEqual(expect.arrayContaining([readOnly.id, open.id]));
    expect(seen).not.toContain(adminsOnly.id);
    await expectCode(viewer.as().dashboards.update({ id: open.id, patch: { title: "x" } }), "FORBIDDEN"); // no dashboards:write

    expect((await editor.as().dashboards.get({ id: readOnly.id })).editable).toBe(false);
    await expectCode(editor.as().dashboards.update({ id: readOnly.id, patch: { title: "x" } }), "FORBIDDEN");
    await expectCode(editor.as().dashboards.delete({ id: readOnly.id }), "FORBIDDEN");
    expect((await editor.as().dashboards.update({ id: open.id, patch: { description: "edited" } })).description).toBe("edited");
    // an editor cannot lock themselves out
    expect(await badPaths(editor.as().dashboards.update({ id: open.id, patch: { editProfiles: ["admin"] } }))).toEqual([
      "editProfiles",
    ]);
  });

  it("binds a dashboard to an asset model: its asset variable is the asset viewed, listed for the model", async () => {
    const { api } = await world();
    const bound = await api.dashboards.create(
      doc({
        variables: [],
        assetModel: "Room",
        widgets: [
          { ...chart(), settings: { series: [{ source: { variable: "asset" }, measure: "temperature", field: "temperature" }] } },
        ],
      }),
    );
    expect(bound.variables).toEqual([{ name: "asset", label: "Asset", kind: "asset", model: "Room" }]);
    await api.dashboards.create(doc());
    expect((await api.dashboards.list({ assetModel: "Room" })).map((d) => d.id)).toEqual([bound.id]);
  });

  it("copies a tenant group's template dashboards into new tenants, and keeps them to their tenant", async () => {
    const name = `dash_group_${randomUUID().slice(0, 6).replace(/-/g, "")}`;
    registerTenantGroup({
      name,
      label: "With a template dashboard",
      description: "test",
      assetModels: [{ model: "Silo", measures: [{ name: "level", type: "humidity" }] }],
      defaultDashboards: [
        {
          title: "Silo",
          assetModel: "Silo",
          widgets: [
            {
              id: "level",
              type: "gauge",
              settings: { source: { variable: "asset" }, measure: "level", field: "humidity", min: 0, max: 100 },
              layout: { x: 0, y: 0, w: 4, h: 4 },
            },
          ],
        },
      ],
    });
    const admin = await signedInPlatformAdmin();
    const a = await newTenant(admin, name);
    const b = await newTenant(admin, name);
    const [templateA] = await admin.as(a.id).dashboards.list();
    expect(templateA).toMatchObject({ title: "Silo", fromTemplate: "Silo", assetModel: "Silo", widgetCount: 1 });
    const memberOfB = await signedInMember(admin, b.id, ["admin"]);
    await expectCode(memberOfB.as().dashboards.get({ id: templateA?.id as string }), "NOT_FOUND");
    await expectCode(memberOfB.as(a.id).dashboards.list(), "FORBIDDEN");
    await expectCode(memberOfB.as().dashboards.delete({ id: templateA?.id as string }), "NOT_FOUND");
    await expectCode(
      memberOfB.as().dashboards.update({ id: templateA?.id as string, patch: { title: "taken over" } }),
      "NOT_FOUND",
    );
    await expectCode(memberOfB.as().dashboards.export({ id: templateA?.id as string }), "NOT_FOUND");
    // and none of it touched A's copy
    expect(await admin.as(a.id).dashboards.get({ id: templateA?.id as string })).toMatchObject({ title: "Silo", version: 1 });
  });
});
