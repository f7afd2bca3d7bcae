import { type Locator, type Page, expect, test } from "@playwright/test";
import { adminApi, signIn, unique } from "./fixtures";

// away from UTC, so that a from/to read or written in the wrong zone shows
test.use({ timezoneId: "Europe/Paris" });

const GAP = 12;
const ROW_PITCH = 80 + GAP;

/** Presses at a point of an element, moves by (dx, dy) in small steps as a hand would, releases. */
async function dragBy(page: Page, target: Locator, dx: number, dy: number, at: { x: number; y: number } = { x: 8, y: 8 }) {
  const box = await target.boundingBox();
  if (!box) throw new Error("nothing to drag");
  const x = box.x + Math.min(at.x, box.width / 2);
  const y = box.y + Math.min(at.y, box.height / 2);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await page.mouse.up();
}

/** The distance between two columns' left edges of the grid being edited. */
async function columnPitch(page: Page, columns: number) {
  const box = await page.getByTestId("layout-grid").boundingBox();
  if (!box) throw new Error("no grid");
  return (box.width + GAP) / columns;
}

async function placeShown(page: Page, id: string) {
  await page.getByTestId(`widget-select-${id}`).click();
  const panel = page.getByTestId("widget-panel");
  const read = async (k: string) => Number(await panel.getByTestId(`widget-layout-${k}`).inputValue());
  return { x: await read("x"), y: await read("y"), w: await read("w"), h: await read("h") };
}

// The editor's grid by mouse: a widget dragged by its header and one resized from its corner
// land in the side panel's numbers, undo takes back the last, and what is saved is what was
// left; then the small-screen places, the dashboard's settings, and deleting it from the list.
test("dashboard editor: drag, resize, small screens, settings, delete", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const tag = unique("e").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Editor ${tag}`, group: "commons" });
  actIn(tenant.id);
  const alerts = { severity: [], limit: 20 };
  const title = `Layout ${tag}`;
  const created = await admin.dashboards.create.mutate({
    title,
    widgets: [
      { id: "a", type: "alerts", title: "First", settings: alerts, layout: { x: 0, y: 0, w: 3, h: 2 } },
      { id: "b", type: "alerts", title: "Second", settings: alerts, layout: { x: 3, y: 0, w: 3, h: 2 } },
    ],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await page.goto(`/dashboards/${created.id}/edit`);
  await expect(page.getByTestId("grid-item-b")).toBeVisible();

  // large screens: b dragged two columns right and two rows down, a made one bigger each way
  let pitch = await columnPitch(page, 12);
  await dragBy(page, page.getByTestId("widget-handle-b"), 2 * pitch, 2 * ROW_PITCH);
  await expect.poll(() => placeShown(page, "b")).toEqual({ x: 5, y: 2, w: 3, h: 2 });
  await dragBy(page, page.getByTestId("grid-item-a").locator(".react-resizable-handle"), pitch, ROW_PITCH);
  await expect.poll(() => placeShown(page, "a")).toEqual({ x: 0, y: 0, w: 4, h: 3 });
  await expect(page.getByTestId("dashboard-save")).toHaveText("Save");

  await page.getByTestId("dashboard-undo").click();
  expect(await placeShown(page, "a")).toEqual({ x: 0, y: 0, w: 3, h: 2 });
  expect(await placeShown(page, "b")).toEqual({ x: 5, y: 2, w: 3, h: 2 });
  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");

  let stored = await admin.dashboards.get.query({ id: created.id });
  expect(stored.widgets.map((w) => [w.id, w.layout, w.smallLayout])).toEqual([
    ["a", { x: 0, y: 0, w: 3, h: 2 }, undefined],
    ["b", { x: 5, y: 2, w: 3, h: 2 }, undefined],
  ]);
  await page.reload();
  expect(await placeShown(page, "b")).toEqual({ x: 5, y: 2, w: 3, h: 2 });

  // small screens: both start stacked full width; b narrowed to half and moved to the right
  await page.getByTestId("layout-small").check();
  await expect(page.getByTestId("layout-grid")).toHaveAttribute("data-columns", "4");
  expect(await placeShown(page, "b")).toEqual({ x: 0, y: 2, w: 4, h: 2 });
  pitch = await columnPitch(page, 4);
  await dragBy(page, page.getByTestId("grid-item-b").locator(".react-resizable-handle"), -2 * pitch, 0);
  await expect.poll(() => placeShown(page, "b")).toEqual({ x: 0, y: 2, w: 2, h: 2 });
  await dragBy(page, page.getByTestId("widget-handle-b"), 2 * pitch, 0);
  await expect.poll(() => placeShown(page, "b")).toEqual({ x: 2, y: 2, w: 2, h: 2 });
  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");
  stored = await admin.dashboards.get.query({ id: created.id });
  expect(stored.widgets.map((w) => [w.id, w.layout, w.smallLayout])).toEqual([
    ["a", { x: 0, y: 0, w: 3, h: 2 }, { x: 0, y: 0, w: 4, h: 2 }],
    ["b", { x: 5, y: 2, w: 3, h: 2 }, { x: 2, y: 2, w: 2, h: 2 }],
  ]);

  // the dashboard's settings: a refused icon is named beside its field, then the rest is saved
  await page.getByTestId("dashboard-settings-open").click();
  const settings = page.getByTestId("dashboard-settings");
  await settings.getByTestId("dashboard-icon").fill("Not an icon");
  await page.getByTestId("dashboard-save").click();
  await expect(settings.getByText("must be an icon name such as layout-dashboard")).toBeVisible();
  await settings.getByTestId("dashboard-icon").fill("thermometer");
  await settings.getByTestId("dashboard-description").fill("Where each widget goes");
  await settings.getByTestId("time-range").selectOption("custom");
  await settings.getByTestId("time-range-from").fill("2025-03-01T08:00");
  await settings.getByTestId("time-range-to").fill("2025-03-02T18:30");
  await settings.getByTestId("dashboard-refresh").selectOption("interval");
  await settings.getByTestId("dashboard-refresh-seconds").fill("30");
  await settings.getByTestId("view-profile-viewer").check();
  await settings.getByTestId("view-profile-editor").check();
  await settings.getByTestId("edit-profile-admin").check();
  await settings.getByTestId("dashboard-asset-model").selectOption("Room");
  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");
  stored = await admin.dashboards.get.query({ id: created.id });
  expect({
    icon: stored.icon,
    description: stored.description,
    timeRange: stored.timeRange,
    refresh: stored.refresh,
    viewProfiles: stored.viewProfiles,
    editProfiles: stored.editProfiles,
    assetModel: stored.assetModel,
  }).toEqual({
    icon: "thermometer",
    description: "Where each widget goes",
    // typed in Paris time (winter, UTC+1), stored as the instant
    timeRange: { from: "2025-03-01T07:00:00.000Z", to: "2025-03-02T17:30:00.000Z" },
    refresh: { mode: "interval", seconds: 30 },
    viewProfiles: ["viewer", "editor"],
    editProfiles: ["admin"],
    assetModel: "Room",
  });

  // the view opens on the saved custom range and can leave it for a relative one
  await page.goto(`/dashboards/${created.id}`);
  await expect(page.getByTestId("time-range")).toHaveValue("custom");
  await expect(page.getByTestId("time-range-from")).toHaveValue("2025-03-01T08:00");
  await expect(page.getByTestId("time-range-to")).toHaveValue("2025-03-02T18:30");
  await page.getByTestId("time-range").selectOption("1h");
  await expect(page.getByTestId("time-range-from")).toHaveCount(0);

  await page.goto("/dashboards");
  const row = page.getByTestId("dashboard-row").filter({ hasText: title });
  await row.getByTestId("dashboard-delete").click();
  await page
    .getByRole("dialog", { name: `Delete “${title}”?` })
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(row).toHaveCount(0);
  await expect(admin.dashboards.get.query({ id: created.id })).rejects.toThrow(/not found/i);
});

// Deleting from the editor asks first, then goes back to the list without it.
test("a dashboard deleted in the editor is gone from the list", async ({ page, baseURL }) => {
  const tag = unique("x").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Delete ${tag}`, group: "commons" });
  actIn(tenant.id);
  const kept = await admin.dashboards.create.mutate({ title: `Kept ${tag}` });
  const doomed = await admin.dashboards.create.mutate({ title: `Doomed ${tag}` });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await page.goto(`/dashboards/${doomed.id}/edit`);
  await page.getByTestId("dashboard-delete").click();
  const dialog = page.getByRole("dialog", { name: `Delete “Doomed ${tag}”?` });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  expect((await admin.dashboards.get.query({ id: doomed.id })).title).toBe(`Doomed ${tag}`);

  await page.getByTestId("dashboard-delete").click();
  await dialog.getByRole("button", { name: "Delete" }).click();
  await page.waitForURL(/\/dashboards$/);
  await expect(page.getByTestId("dashboard-row")).toHaveText([new RegExp(`Kept ${tag}`)]);
  expect((await admin.dashboards.list.query({})).map((d) => d.id)).toEqual([kept.id]);
});

// Unsaved changes are not lost by accident: a link, the back button and the tenant switcher
// ask first; staying keeps the changes, leaving drops them; once saved, back just goes back.
test("the editor asks before unsaved changes are left by a link, the back button or the tenant switcher", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const tag = unique("g").slice(2);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Guard ${tag}`, group: "commons" });
  actIn(tenant.id);
  const alerts = { severity: [], limit: 20 };
  const title = `Guarded ${tag}`;
  const created = await admin.dashboards.create.mutate({
    title,
    widgets: [{ id: "a", type: "alerts", title: "First", settings: alerts, layout: { x: 0, y: 0, w: 3, h: 2 } }],
  });
  const editUrl = new RegExp(`/dashboards/${created.id}/edit$`);
  const ask = page.getByRole("dialog", { name: "Leave without saving?" });
  const openEditor = async () => {
    await page.goto("/dashboards");
    await page.getByTestId("dashboard-row").filter({ hasText: title }).getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(editUrl);
    await page.getByTestId("widget-select-a").click();
  };

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  await openEditor();
  await page.getByTestId("widget-title").fill("Renamed");

  // a link of the navigation: asked, and staying keeps the change
  await page.getByRole("link", { name: "Alerts", exact: true }).click();
  await expect(ask).toBeVisible();
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(editUrl);
  await expect(page.getByTestId("widget-title")).toHaveValue("Renamed");

  // the back button: asked too, the page and its change still there
  await page.goBack();
  await expect(ask).toBeVisible();
  await expect(page).toHaveURL(editUrl);
  await ask.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("widget-title")).toHaveValue("Renamed");

  // the tenant switcher: the browser's question, declined, keeps the tenant and the change
  const question = new Promise<string>((resolve) =>
    page.once("dialog", (d) => {
      resolve(d.message());
      void d.dismiss();
    }),
  );
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: "Platform (all tenants)" });
  expect(await question).toMatch(/without saving/);
  await expect(page.getByRole("banner").getByLabel("Tenant")).toHaveValue(tenant.id);
  await expect(page.getByTestId("widget-title")).toHaveValue("Renamed");

  // back again, and leave: the list, the change dropped
  await page.goBack();
  await ask.getByRole("button", { name: "Leave" }).click();
  await page.waitForURL(/\/dashboards$/);
  expect((await admin.dashboards.get.query({ id: created.id })).widgets[0]?.title).toBe("First");

  // saved, back goes straight back to the list
  await openEditor();
  await page.getByTestId("widget-title").fill("Saved title");
  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");
  await page.goBack();
  await page.waitForURL(/\/dashboards$/);
  await expect(ask).toBeHidden();
  expect((await admin.dashboards.get.query({ id: created.id })).widgets[0]?.title).toBe("Saved title");

  // changed, saved, then off to the view: back comes to the editor once, then to the list
  await openEditor();
  await page.getByTestId("widget-title").fill("Third title");
  await page.getByTestId("dashboard-save").click();
  await expect(page.getByTestId("dashboard-save")).toHaveText("Saved");
  await page.getByRole("button", { name: "View" }).click();
  await page.waitForURL(new RegExp(`/dashboards/${created.id}$`));
  await page.goBack();
  await page.waitForURL(editUrl);
  await page.goBack();
  await page.waitForURL(/\/dashboards$/);
});
