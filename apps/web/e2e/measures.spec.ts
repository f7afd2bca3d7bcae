import { expect, test } from "@playwright/test";
import { adminApi, signIn, unique } from "./fixtures";

test("measures pushed to a linked device show on the asset as cards, chart and table, and download as CSV", async ({
  page,
  baseURL,
}) => {
  const tag = unique("m").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Measures ${tag}`, group: "commons" });
  const device = await admin.devices.create.mutate({ model: "DemoSensor", reference: `ms-${tag}`, tenantId: tenant.id });
  actIn(tenant.id);
  const room = await admin.assets.create.mutate({ model: "Room", reference: `room-${tag}` });
  await admin.devices.linkAsset.mutate({ deviceId: device.id, assetId: room.id });
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
  await admin.devices.receiveMeasures.mutate({
    deviceId: device.id,
    measures: [{ measuredAt: new Date(now - 30_000), type: "co2", name: "co2", values: { co2: 640 } }],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await page.goto(`/assets/${room.id}`);
  const cards = page.getByTestId("last-measures");
  await expect(cards).toContainText("temperature");
  await expect(cards).toContainText("22.9 °C");
  await expect(cards).toContainText("640 ppm");
  await expect(page.getByTestId("measure-chart").locator(".recharts-line")).toHaveCount(2);
  const table = page.getByRole("table", { name: "Measures" });
  await expect(table.getByRole("row")).toHaveCount(32); // header + 31
  await expect(table).toContainText("co2 640");

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  const lines = text.trim().split("\n");
  expect(lines[0]).toBe("measured_at,name,type,temperature,humidity,co2");
  expect(lines).toHaveLength(32);
  expect(lines.at(-1)).toMatch(/,co2,co2,,,640$/);
});
