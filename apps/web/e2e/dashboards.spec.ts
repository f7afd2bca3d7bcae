import { expect, type Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { E2E_INGEST_PORT } from "../playwright.config";
import { adminApi, keepScreenshot, signIn, unique } from "./fixtures";

/** Sets the selected widget's settings as JSON (the form's disclosure under its controls). */
async function settingsAsJson(page: Page, settings: object) {
  const raw = page.getByTestId("widget-settings-raw");
  if (!(await raw.evaluate((d) => (d as HTMLDetailsElement).open))) await raw.locator("summary").click();
  await page.getByTestId("widget-settings-json").fill(JSON.stringify(settings));
}

// A dashboard made in the console: created from the list, a value, a chart, a table and a
// map of a tenant's devices added and set up in the editor, saved; the view shows them all
// after a reload.
test("a dashboard built in the editor shows a device's value, chart, table and map after saving", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(120_000);
  const tag = unique("d").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Dashboards ${tag}`, group: "commons" });
  const reference = `ds-${tag}`;
  const device = await admin.devices.create.mutate({ model: "DemoSensor", reference, tenantId: tenant.id });
  actIn(tenant.id);
  const now = Date.now();
  await admin.devices.receiveMeasures.mutate({
    deviceId: device.id,
    measures: Array.from({ length: 30 }, (_, i) => ({
      measuredAt: new Date(now - (30 - i) * 60_000),
      type: "temperature",
      name: "temperature",
      values: { temperature: 20 + i / 10 },
    })),
  });
  const tracker = await admin.devices.create.mutate({ model: "DemoTracker", reference: `dt-${tag}`, tenantId: tenant.id });
  await admin.devices.receiveMeasures.mutate({
    deviceId: tracker.id,
    measures: [
      { measuredAt: new Date(now), type: "position", name: "position", values: { position: { lat: 45.76, lon: 4.83 } } },
    ],
  });
  const source = { twin: { kind: "device", model: "DemoSensor", reference } };

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await page.goto("/dashboards");
  await page.getByTestId("dashboard-new").click();
  await page.getByTestId("dashboard-title-input").fill(`Climate ${tag}`);
  await page.getByTestId("dashboard-create").click();
  await page.waitForURL(/\/dashboards\/[0-9a-f-]+\/edit$/);

  await page.getByTestId("widget-add").click();
  await page.getByTestId("widget-type-value").click();
  await page.getByTestId("widget-title").fill("Temperature");
  await settingsAsJson(page, { source, measure: "temperature", field: "temperature", unit: "°C", decimals: 1 });
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-value")).toContainText("22.9");

  await page.getByTestId("widget-add").click();
  await page.getByTestId("widget-type-chart").click();
  // the chart through its form: the series' twin, measure and field, and a threshold above the data
  await page.getByTestId("setting-series-0-source-variant").selectOption({ label: "A twin" });
  await page.getByTestId("setting-series-0-source-twin-kind").selectOption("device");
  await page.getByTestId("setting-series-0-source-twin-model").fill("DemoSensor");
  await page.getByTestId("setting-series-0-source-twin-reference").fill(reference);
  // the measure and then its value field are offered from the model's measures and their type
  const offered = async (setting: string) => {
    const input = page.getByTestId(`setting-series-0-${setting}`);
    await expect(input).toHaveAttribute("list", /.+/);
    const list = await input.getAttribute("list");
    return page.locator(`datalist[id="${list}"] option[value="temperature"]`);
  };
  await expect(await offered("measure")).toHaveCount(1);
  await page.getByTestId("setting-series-0-measure").fill("temperature");
  await expect(await offered("field")).toHaveCount(1);
  await page.getByTestId("setting-series-0-field").fill("temperature");
  await page.getByTestId("setting-thresholds-add").click();
  await page.getByTestId("setting-thresholds-0-value").fill("30");
  await page.getByTestId("setting-thresholds-0-color").fill("#dc2626");
  await page.getByTestId("setting-thresholds-0-label").fill("hot");
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-line")).toHaveCount(1);
  // 30 is above every value: the axis widens to show the line
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-reference-line line")).toHaveCount(1);

  await page.getByTestId("widget-add").click();
  await page.getByTestId("widget-type-table").click();
  await settingsAsJson(page, {
    of: "devices",
    model: "DemoSensor",
    columns: [{ kind: "reference" }, { kind: "measure", measure: "temperature", field: "temperature", label: "°C" }],
  });
  await expect(page.getByTestId("widget-table-1").getByRole("row").nth(1)).toContainText(reference);

  await page.getByTestId("widget-add").click();
  await page.getByTestId("widget-type-map").click();
  await page.getByTestId("setting-of").selectOption("devices");
  await page.getByTestId("setting-model").fill("DemoTracker");
  await expect(page.getByTestId("widget-map-1").getByTestId("widget-map")).toHaveAttribute("data-points", "1");
  await expect(page.getByTestId("widget-map-1").locator(".leaflet-container")).toHaveAttribute("data-drawn", "1");
  await keepScreenshot(page, testInfo, "editor");

  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");

  const url = page.url().replace(/\/edit$/, "");
  await page.goto(url);
  // the page comes with its widgets' data, fetched by the server as it rendered it: the
  // browser asks for none of it, and its first render matches the server's HTML
  const asked: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => r.url().includes("/api/trpc/") && asked.push(new URL(r.url()).pathname));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  // pages the browser asks the server to render ahead (Next's prefetch of a link's page)
  const prefetched: string[] = [];
  page.on("request", (r) => r.url().includes("_rsc=") && prefetched.push(new URL(r.url()).pathname));
  await page.reload();
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-value")).toContainText("22.9");
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-trend")).toHaveText("▲");
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-line")).toHaveCount(1);
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-reference-line line")).toHaveCount(1);
  await expect(page.getByTestId("widget-table-1").getByRole("row").nth(1)).toContainText(reference);
  await expect(page.getByTestId("widget-map-1").locator(".leaflet-container")).toHaveAttribute("data-drawn", "1");
  expect(
    asked.filter((p) => /dashboards\.get|measures\.series|getMeasures|getLastMeasures|devices\.search|mapPoints/.test(p)),
  ).toEqual([]);
  expect(errors.filter((e) => /hydrat|did not match/i.test(e))).toEqual([]);
  // the tracker's popup: its reference and last position
  const map = page.getByTestId("widget-map-1").locator(".leaflet-container");
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByTestId("map-popup")).toContainText(`dt-${tag}`);
  await expect(page.getByTestId("map-popup")).toContainText("45.76, 4.83");
  await keepScreenshot(page, testInfo, "view");
  // no page is rendered ahead for every link in sight (the sidebar's, the table's rows),
  // only for the link the pointer comes to
  expect(prefetched).toEqual([]);
  const twinLink = page.getByTestId("widget-table-1").getByRole("row").nth(1).getByRole("link").first();
  await twinLink.hover();
  const linked = new URL((await twinLink.getAttribute("href")) ?? "", page.url()).pathname;
  await expect.poll(() => prefetched).toContain(linked);

  await page.goto("/dashboards");
  await expect(page.getByTestId("dashboard-row").filter({ hasText: `Climate ${tag}` })).toContainText("4");
});

// The reference's template dashboards by model: bound to Room, a dashboard is a tab on each
// room's page, drawn with that room as its asset variable.
test("a dashboard bound to an asset model is a tab on each of its assets' pages", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const tag = unique("b").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Bound ${tag}`, group: "commons" });
  actIn(tenant.id);
  const rooms = [];
  for (const [name, temperature] of [
    ["a", 21.5],
    ["b", 23.5],
  ] as const) {
    const room = await admin.assets.create.mutate({ model: "Room", reference: `room-${tag}-${name}` });
    await admin.assets.measureIngest.mutate({
      assetId: room.id,
      measures: [{ measuredAt: new Date(), type: "temperature", name: "temperature", values: { temperature } }],
    });
    rooms.push(room);
  }
  await admin.dashboards.create.mutate({
    title: `Room view ${tag}`,
    assetModel: "Room",
    widgets: [
      {
        id: "t",
        type: "value",
        title: "Temperature",
        settings: { source: { variable: "asset" }, measure: "temperature", field: "temperature" },
        layout: { x: 0, y: 0, w: 4, h: 4 },
      },
    ],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  for (const [i, expected] of [
    [1, "23.5"],
    [0, "21.5"],
  ] as const) {
    await page.goto(`/assets/${rooms[i]?.id}`);
    await expect(page.getByTestId("asset-dashboard-tab")).toHaveText(`Room view ${tag}`);
    await expect(page.getByTestId("widget-t").getByTestId("widget-value")).toContainText(expected);
  }
});

// Export from one tenant's list, import into another's: the file carries the widgets, which
// draw there from that tenant's twins of the same model and reference. Broken files are
// refused saying why.
test("a dashboard exported from one tenant imports into another from the console", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const tag = unique("x").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const from = await admin.tenants.create.mutate({ name: `Export from ${tag}`, group: "commons" });
  const to = await admin.tenants.create.mutate({ name: `Import to ${tag}`, group: "commons" });
  const reference = `port-${tag}`;
  // the same room in both tenants, warmer in the second
  for (const [tenant, temperature] of [
    [from, 20.5],
    [to, 30.5],
  ] as const) {
    actIn(tenant.id);
    const room = await admin.assets.create.mutate({ model: "Room", reference, metadata: { floor: 3 } });
    await admin.assets.measureIngest.mutate({
      assetId: room.id,
      measures: [{ measuredAt: new Date(), type: "temperature", name: "temperature", values: { temperature } }],
    });
  }
  // and, only there, a room whose reference sorts first and whose floor sorts last
  await admin.assets.create.mutate({ model: "Room", reference: `a-${tag}`, metadata: { floor: 9 } });
  actIn(from.id);
  const title = `Portable ${tag}`;
  const source = { twin: { kind: "asset", model: "Room", reference } };
  await admin.dashboards.create.mutate({
    title,
    widgets: [
      {
        id: "now",
        type: "value",
        title: "Temperature",
        settings: { source, measure: "temperature", field: "temperature" },
        layout: { x: 0, y: 0, w: 3, h: 2 },
      },
      {
        id: "temps",
        type: "chart",
        settings: { series: [{ source, measure: "temperature", field: "temperature" }] },
        layout: { x: 3, y: 0, w: 9, h: 4 },
      },
      {
        id: "rooms",
        type: "table",
        settings: { of: "assets", model: "Room", columns: [{ kind: "reference" }, { kind: "metadata", field: "floor" }] },
        layout: { x: 0, y: 4, w: 6, h: 4 },
      },
      {
        id: "alerts",
        type: "alerts",
        title: "Open alerts",
        settings: { severity: ["critical"] },
        layout: { x: 6, y: 4, w: 6, h: 4 },
      },
    ],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: from.name });
  await page.goto("/dashboards");
  const downloading = page.waitForEvent("download");
  await page.getByTestId("dashboard-row").filter({ hasText: title }).getByTestId("dashboard-export").click();
  const file = await (await downloading).path();
  const exported = JSON.parse(readFileSync(file, "utf8"));

  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: to.name });
  await expect(page.getByTestId("dashboard-row")).toHaveCount(0);
  // a file that is not JSON, then one whose chart is of an unknown kind: refused, nothing imported
  const input = page.getByTestId("dashboard-import-file");
  await input.setInputFiles({ name: "cut.json", mimeType: "application/json", buffer: Buffer.from('{"format": "iot') });
  await expect(page.getByRole("alert").filter({ hasText: "cut.json is not JSON" })).toBeVisible();
  exported.dashboard.widgets[1].settings.kind = "pie";
  await input.setInputFiles({ name: "pie.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(exported)) });
  await expect(page.getByTestId("import-issues")).toContainText("dashboard.widgets.1.settings.kind");
  await expect(page.getByTestId("dashboard-row")).toHaveCount(0);

  await input.setInputFiles(file);
  const row = page.getByTestId("dashboard-row").filter({ hasText: title });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: title }).click();
  await page.waitForURL(/\/dashboards\/[0-9a-f-]{36}$/);
  // drawn from this tenant's room
  await expect(page.getByTestId("widget-now").getByTestId("widget-value")).toContainText("30.5");
  await expect(page.getByTestId("widget-temps").getByTestId("widget-chart")).toHaveAttribute("data-last", "30.5");
  const rooms = page.getByTestId("widget-rooms");
  await expect(rooms.getByRole("row").filter({ hasText: reference })).toContainText(`${reference}3`);
  // the viewer sorts by the floor column (metadata, as numbers): lobby 0, then 3, then 9; then the other way
  await expect(rooms.getByRole("row").nth(1)).toContainText(`a-${tag}`);
  await rooms.getByRole("button", { name: "floor" }).click();
  await expect(rooms.getByRole("row").nth(1)).toContainText("lobby0");
  await expect(rooms.getByRole("row").nth(3)).toContainText(`a-${tag}9`);
  await rooms.getByRole("button", { name: /^floor/ }).click();
  await expect(rooms.getByRole("row").nth(1)).toContainText(`a-${tag}9`);
  await expect(rooms.getByRole("columnheader", { name: /floor/ })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByTestId("widget-alerts")).toContainText("No open alert.");
});

// Live mode: payloads posted to the webhook reach the chart and the table of an open
// dashboard without a reload (one subscription for the whole dashboard).
test("in live mode, payloads posted to the webhook appear in the chart and the table without reload", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000);
  const tag = unique("l").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Live dash ${tag}`, group: "commons" });
  actIn(tenant.id);
  const key = await admin.auth.createApiKey.mutate({ name: "ingest", tenantId: tenant.id });
  const reference = `live-${tag}`;
  const post = async (temperature: number) => {
    const res = await fetch(`http://127.0.0.1:${E2E_INGEST_PORT}/api/payloads/json`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ reference, measures: [{ name: "temperature", type: "temperature", values: { temperature } }] }),
    });
    expect(res.status).toBe(202);
  };
  await post(20);
  // the device is provisioned by the pipeline: wait until it has the first value
  const lastValue = async () => {
    try {
      const device = await admin.devices.get.query({ model: "GenericJson", reference });
      return (await admin.devices.getLastMeasures.query({ deviceId: device.id })).temperature?.values.temperature;
    } catch {
      return undefined;
    }
  };
  await expect.poll(lastValue, { timeout: 20_000 }).toBe(20);
  const dashboard = await admin.dashboards.create.mutate({
    title: `Live ${tag}`,
    timeRange: { relative: "15m" },
    refresh: { mode: "live" },
    widgets: [
      {
        id: "temps",
        type: "chart",
        settings: {
          series: [
            {
              source: { twin: { kind: "device", model: "GenericJson", reference } },
              measure: "temperature",
              field: "temperature",
            },
          ],
        },
        layout: { x: 0, y: 0, w: 8, h: 5 },
      },
      {
        id: "list",
        type: "table",
        settings: {
          of: "devices",
          model: "GenericJson",
          columns: [{ kind: "reference" }, { kind: "measure", measure: "temperature", field: "temperature" }],
        },
        layout: { x: 8, y: 0, w: 4, h: 5 },
      },
    ],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await page.goto(`/dashboards/${dashboard.id}`);
  const chart = page.getByTestId("widget-temps").getByTestId("widget-chart");
  await expect(page.getByTestId("widget-list").getByRole("row").nth(1)).toContainText(`${reference}20`);
  await expect(chart).toHaveAttribute("data-points", "1");
  await expect(chart).toHaveAttribute("data-live", "0");
  // posts arrive live once the stream is open, which the toolbar shows
  await expect(page.getByTestId("refresh-mode")).toHaveAttribute("data-live-status", "open");
  await expect(page.getByTestId("refresh-mode")).toContainText("Live");
  await expect(chart).toHaveAttribute("data-last", "20");
  for (const [i, t] of [21.5, 22.25, 23.75].entries()) {
    await post(t);
    await expect(page.getByTestId("widget-list").getByRole("row").nth(1)).toContainText(`${reference}${t}`);
    // the chart took in each measure (live points are averaged to its bucket width, so count what it received)
    await expect(chart).toHaveAttribute("data-live", String(i + 1));
    // and draws it: the first alone in its bucket, or averaged into the server's last (20 and 21.5)
    if (i === 0) await expect(chart).toHaveAttribute("data-last", /^(21\.5|20\.75)$/);
  }
  // the last drawn value holds the newest measure (23.75), alone or averaged with those before
  await expect(chart).not.toHaveAttribute("data-last", /^(20|21\.5|20\.75)$/);
  await keepScreenshot(page, testInfo, "live view");

  // the viewer filters the table's rows, and its references lead to the twins' pages
  const table = page.getByTestId("widget-list");
  await table.getByLabel("Filter the rows").fill("no-such-device");
  await expect(table.getByRole("row")).toHaveCount(1);
  await table.getByLabel("Filter the rows").fill("");
  await table.getByRole("link", { name: reference }).click();
  await page.waitForURL(/\/devices\/[0-9a-f-]{36}$/);
});
