import { expect, test } from "@playwright/test";
import { E2E_ADMIN, apiClient, signIn, unique } from "./fixtures";

// A dashboard made in the console: created from the list, a value and a chart of a device's
// temperature added and set up in the editor, saved; the view shows both after a reload.
test("a dashboard built in the editor shows a device's value and chart after saving", async ({ page, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  const tag = unique("d").slice(2);
  let tenantId = "";
  const api = (token?: string) => apiClient(baseURL as string, token, () => tenantId || null);
  const { token } = await api().auth.login.mutate(E2E_ADMIN);
  const admin = api(token);
  const tenant = await admin.tenants.create.mutate({ name: `Dashboards ${tag}`, group: "commons" });
  const reference = `ds-${tag}`;
  const device = await admin.devices.create.mutate({ model: "DemoSensor", reference, tenantId: tenant.id });
  tenantId = tenant.id;
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
  await page
    .getByTestId("widget-settings-json")
    .fill(JSON.stringify({ source, measure: "temperature", field: "temperature", unit: "°C", decimals: 1 }));
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-value")).toContainText("22.9");

  await page.getByTestId("widget-add").click();
  await page.getByTestId("widget-type-chart").click();
  await page
    .getByTestId("widget-settings-json")
    .fill(JSON.stringify({ kind: "line", series: [{ source, measure: "temperature", field: "temperature" }] }));
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-line")).toHaveCount(1);
  await testInfo.attach("editor", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");

  const url = page.url().replace(/\/edit$/, "");
  await page.goto(url);
  await page.reload();
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-value")).toContainText("22.9");
  await expect(page.getByTestId("widget-value-1").getByTestId("widget-trend")).toHaveText("▲");
  await expect(page.getByTestId("widget-chart-1").locator(".recharts-line")).toHaveCount(1);
  await testInfo.attach("view", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

  await page.goto("/dashboards");
  await expect(page.getByTestId("dashboard-row").filter({ hasText: `Climate ${tag}` })).toContainText("2");
});

// The reference's template dashboards by model: bound to Room, a dashboard is a tab on each
// room's page, drawn with that room as its asset variable.
test("a dashboard bound to an asset model is a tab on each of its assets' pages", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const tag = unique("b").slice(2);
  let tenantId = "";
  const api = (token?: string) => apiClient(baseURL as string, token, () => tenantId || null);
  const { token } = await api().auth.login.mutate(E2E_ADMIN);
  const admin = api(token);
  const tenant = await admin.tenants.create.mutate({ name: `Bound ${tag}`, group: "commons" });
  tenantId = tenant.id;
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
