import { expect, test } from "@playwright/test";
import { adminApi, signIn, unique } from "./fixtures";

// A schedule built in the editor (a bad cron refused beside its field first) runs a rule
// with a notify step every 2 seconds: its last run shows as succeeded on the schedules
// page, and the rule's notification reaches the bell, where it is read; the schedule is
// switched off at the end.
test("a schedule every 2 s runs a notifying rule; its run shows on /schedules and its notification in the bell", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const tag = unique("sch").slice(4);
  const { admin, actIn } = await adminApi(baseURL as string);
  const tenant = await admin.tenants.create.mutate({ name: `Schedules ${tag}`, group: "commons" });
  actIn(tenant.id);
  const title = `Ping ${tag}`;
  // run by the schedule only: disabled, its own trigger never fires
  const rule = await admin.rules.create.mutate({
    name: `notify-${tag}`,
    enabled: false,
    trigger: { type: "schedule", when: { everySeconds: 86_400 } },
    steps: [{ task: "notify", args: { title, body: `from schedule ${tag}`, level: "warning" } }],
  });

  await signIn(page);
  await page.getByRole("banner").getByLabel("Tenant").selectOption({ label: tenant.name });
  const count = page.getByTestId("notifications-count");
  await expect(count).toHaveText("0");
  await page.getByRole("link", { name: "Schedules", exact: true }).click();
  await page.waitForURL(/\/schedules$/);
  await page.getByTestId("schedule-new").click();
  await page.waitForURL(/\/schedules\/new$/);

  const name = `every-2s-${tag}`;
  await page.getByTestId("schedule-name").fill(name);
  await page.getByTestId("schedule-action-type").selectOption("rule");
  await page.getByTestId("schedule-rule").selectOption(rule.id);
  // the server checks the cron; its error shows beside the field
  await page.getByTestId("schedule-cron").fill("61 * * * *");
  await page.getByTestId("schedule-timezone").selectOption("Europe/Paris");
  await page.getByTestId("schedule-save").click();
  await expect(page.getByTestId("schedule-cron")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("schedule-errors")).toContainText("when.cron");
  await expect(page.getByTestId("schedule-errors")).toContainText("not a valid cron expression");
  await expect(page).toHaveURL(/\/schedules\/new$/);

  await page.getByTestId("schedule-when-every").check();
  await page.getByTestId("schedule-every-seconds").fill("2");
  await page.getByTestId("schedule-every-unit").selectOption("seconds");
  await expect(page.getByTestId("schedule-enabled")).toBeChecked();
  await page.getByTestId("schedule-save").click();
  await page.waitForURL(/\/schedules\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("schedule-humanized")).toHaveText("every 2 seconds");
  const scheduleId = page.url().split("/").at(-1) as string;

  // the list, polled: the worker has run it, the rule named as its action
  await page.getByRole("link", { name: "Schedules", exact: true }).click();
  await page.waitForURL(/\/schedules$/);
  const row = page.getByTestId("schedule-row").filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("schedule-humanized")).toHaveText("every 2 seconds");
  await expect(row.getByTestId("schedule-action")).toHaveText(`Run rule ${rule.name}`);
  await expect(row).toHaveAttribute("data-last-status", "succeeded", { timeout: 30_000 });
  await expect(row.getByTestId("schedule-last-run")).toContainText("succeeded");
  await row.getByTestId("schedule-run-now").click();
  await expect(row.getByTestId("schedule-run-now")).toHaveText("Queued");
  await expect(row.getByTestId("schedule-run-now")).toHaveText("Run now", { timeout: 10_000 });

  // the rule's notifications reach the bell (polled; opening it refetches)
  const bell = page.getByTestId("notifications-bell");
  const mine = page.getByTestId("notification-item").filter({ hasText: title });
  await expect(async () => {
    if ((await bell.getAttribute("aria-expanded")) === "true") await bell.click();
    await bell.click();
    await expect(mine.first()).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(count).not.toHaveText("0");
  const first = mine.first();
  await expect(first).toHaveAttribute("data-level", "warning");
  await expect(first).toContainText(`from schedule ${tag}`);

  // switched off: no more runs, so the unread count settles
  await page.keyboard.press("Escape");
  await row.getByTestId("schedule-enabled").uncheck();
  await expect(row).toHaveAttribute("data-enabled", "false");
  await expect(row.getByTestId("schedule-enabled")).not.toBeChecked();
  await expect(row).toContainText("off");
  await expect
    .poll(
      async () => {
        const runs = await admin.rules.runs.query({ ruleId: rule.id, limit: 100 });
        return runs.items.length > 0 && runs.items.every((r) => r.status === "succeeded");
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  const before = await admin.notifications.list.query({ limit: 1 });
  expect(before.unread).toBeGreaterThan(0);

  // one read on click, then all
  await bell.click();
  await expect(count).toHaveText(String(before.unread));
  const one = mine.first();
  const oneId = (await one.getAttribute("data-id")) as string;
  await expect(one).toHaveAttribute("data-read", "false");
  await one.click();
  await expect(page.locator(`[data-testid="notification-item"][data-id="${oneId}"]`)).toHaveAttribute("data-read", "true");
  await expect(count).toHaveText(String(before.unread - 1));
  await page.getByTestId("notifications-mark-all").click();
  await expect(count).toHaveText("0");
  await expect(page.locator('[data-testid="notification-item"][data-read="false"]')).toHaveCount(0);
  expect((await admin.notifications.list.query({ unreadOnly: true })).items).toHaveLength(0);
  expect((await admin.schedules.get.query({ id: scheduleId })).enabled).toBe(false);
});
