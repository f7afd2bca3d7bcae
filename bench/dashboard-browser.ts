/// <reference lib="dom" />
// The browser side of bench/dashboard.ts: Debian's Chromium driven by Playwright, the
// console signed in, a dashboard opened in a fresh page and timed from navigation start
// until every widget shows its data, the map panned and zoomed, long tasks and the page's
// tRPC requests (resource timing) read back.
import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "../scripts/chromium.mjs";

/** The launch that works on this machine (as apps/web/playwright.config.ts). */
export function launch(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

/** What dashboard A must show to be drawn: its widget ids and what each holds. */
export interface SpecA {
  line: string;
  lineSeries: number;
  area: string;
  areaSeries: number;
  value: string;
  gauge: string;
  table: string;
  tableRows: number;
  alerts: string;
  alertRows: number;
}
export interface SpecB {
  map: string;
  points: number;
}
type Drawn = { missing: string[]; at: number };

type Check = { kind: "a"; spec: SpecA } | { kind: "b"; spec: SpecB };

declare global {
  interface Window {
    __longtasks: { start: number; duration: number }[];
    __bench: { a(spec: SpecA): Drawn; b(spec: SpecB): Drawn; wait(check: Check, timeoutMs: number): Promise<Drawn> };
  }
}

/**
 * Installed before any script of the page: the long-task observer (buffered, so tasks
 * before it ran count too) and the checks of what is drawn, polled in the page.
 */
function instrument() {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  const frame = (id: string) => document.querySelector(`[data-testid="widget-${id}"]`);
  // a curve with a real path: recharts draws an empty group for a series it has no data for yet
  const curves = (id: string, selector: string) =>
    Array.from(frame(id)?.querySelectorAll(selector) ?? []).filter((p) => (p.getAttribute("d") ?? "").length > 50).length;
  const count = (id: string, selector: string) => frame(id)?.querySelectorAll(selector).length ?? 0;
  window.__bench = {
    a(s) {
      const missing: string[] = [];
      const lines = curves(s.line, "path.recharts-line-curve");
      if (lines < s.lineSeries) missing.push(`line chart: ${lines} of ${s.lineSeries} series`);
      const areas = curves(s.area, "path.recharts-area-area");
      if (areas < s.areaSeries) missing.push(`area chart: ${areas} of ${s.areaSeries} series`);
      // the trend arrow comes from a second query: the value is not whole without it
      if (!count(s.value, '[data-testid="widget-value"]') || !count(s.value, '[data-testid="widget-trend"]'))
        missing.push("value (with its trend)");
      if (!count(s.gauge, '[data-testid="widget-value"] svg')) missing.push("gauge");
      const rows = count(s.table, "tbody tr");
      if (rows < s.tableRows) missing.push(`table: ${rows} of ${s.tableRows} rows`);
      const alerts = count(s.alerts, "li");
      if (alerts < s.alertRows) missing.push(`alerts: ${alerts} of ${s.alertRows}`);
      return { missing, at: performance.now() };
    },
    b(s) {
      const map = frame(s.map)?.querySelector<HTMLElement>('[data-testid="widget-map"]');
      const points = Number(map?.dataset.points ?? 0);
      const drawn = Number(map?.querySelector<HTMLElement>(".leaflet-container")?.dataset.drawn ?? 0);
      const missing: string[] = [];
      if (points < s.points) missing.push(`map: ${points} of ${s.points} points`);
      if (drawn === 0) missing.push("map: no marker or cluster drawn");
      return { missing, at: performance.now() };
    },
    // polled here rather than by waitForFunction: Playwright's injected script (its
    // selector engines) would be set up on the page's main thread during the timed load
    wait(check, timeoutMs) {
      const test = () => (check.kind === "a" ? window.__bench.a(check.spec) : window.__bench.b(check.spec));
      return new Promise((done) => {
        const frame = () => {
          const r = test();
          if (!r.missing.length || r.at > timeoutMs) done(r);
          else requestAnimationFrame(frame);
        };
        frame();
      });
    },
  };
}

/** Signs in through /login; the tenant picked in the banner (a member of one tenant starts in it). */
export async function signIn(browser: Browser, baseURL: string, user: { email: string; password: string; tenantId: string }) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1440, height: 900 } });
  // tsx keeps function names with a __name() helper that exists in Node only: a no-op one
  // in the page lets the functions Playwright sends there run
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("current-user").filter({ hasText: user.email }).waitFor();
  const select = page.getByRole("banner").getByLabel("Tenant");
  if (await select.count()) await select.selectOption({ value: user.tenantId });
  await page.waitForFunction((id) => localStorage.getItem("iot.tenant") === id, user.tenantId);
  await page.close();
  return context;
}

export interface TrpcCall {
  procedures: string;
  start: number;
  end: number;
  /** Request sent to first byte of the answer: the server's time (the network is loopback). */
  server: number;
  kB: number;
}
export interface Load {
  drawnMs: number;
  calls: TrpcCall[];
  /** Long tasks from navigation until drawn. */
  longest: number;
  blockingMs: number;
  /** The document: its last byte (the server rendered the page with every widget's data), and its size. */
  documentMs: number;
  documentKB: number;
}

/** The page's tRPC requests so far, from resource timing (names of the batched procedures, times, sizes). */
async function trpcCalls(page: Page): Promise<TrpcCall[]> {
  const entries = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.name.includes("/api/trpc/"))
      .map((e) => {
        const r = e as PerformanceResourceTiming;
        return {
          name: r.name,
          start: r.startTime,
          req: r.requestStart,
          res: r.responseStart,
          end: r.responseEnd,
          size: r.encodedBodySize,
        };
      }),
  );
  return entries.map((e) => {
    const procedures = decodeURIComponent(new URL(e.name).pathname.replace(/^.*\/api\/trpc\//, ""));
    return { procedures, start: e.start, end: e.end, server: e.res - e.req, kB: e.size / 1024 };
  });
}

export async function longTasks(page: Page, from: number, to = Number.POSITIVE_INFINITY) {
  const tasks = await page.evaluate(() => window.__longtasks);
  const inside = tasks.filter((t) => t.start >= from && t.start < to);
  return {
    longest: Math.max(0, ...inside.map((t) => t.duration)),
    over50: inside.filter((t) => t.duration > 50).length,
    blockingMs: inside.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
  };
}

export class NotDrawn extends Error {}

/** BENCH_CPU_SLOWDOWN=<n>: each page's main thread run n times slower (Chromium's throttling), as on a slower machine. */
export const CPU_SLOWDOWN = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);

/**
 * Opens `path` in a fresh page of the signed-in context (the browser's HTTP cache kept, the
 * app's query cache not) and waits until `check` holds: the time is taken in the page, from
 * its navigation start, in the animation frame where everything is there.
 */
export async function timedLoad(
  context: BrowserContext,
  path: string,
  check: Check,
  timeoutMs: number,
): Promise<{ page: Page; load: Load }> {
  const page = await context.newPage();
  if (CPU_SLOWDOWN > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  }
  await page.goto(path, { waitUntil: "commit" });
  const drawn = await page
    .evaluate(([c, t]) => window.__bench.wait(c, t), [check, timeoutMs] as const)
    .catch((e: unknown) => ({ missing: [`the page failed: ${e instanceof Error ? e.message.split("\n")[0] : e}`], at: 0 }));
  if (drawn.missing.length) {
    await page.close();
    throw new NotDrawn(`${path} not drawn ${timeoutMs} ms after navigation: ${drawn.missing.join("; ")}`);
  }
  const drawnMs = drawn.at;
  const doc = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { ms: n.responseEnd, kB: n.encodedBodySize / 1024 };
  });
  const tasks = await longTasks(page, 0, drawnMs);
  const calls = await trpcCalls(page);
  return {
    page,
    load: { drawnMs, calls, longest: tasks.longest, blockingMs: tasks.blockingMs, documentMs: doc.ms, documentKB: doc.kB },
  };
}

const settle = (page: Page, ms: number) => page.waitForTimeout(ms);

/**
 * Four drags of the map (right, down, left, up) then zoom in twice and out twice with its
 * buttons, each given time to finish (inertia, the 250 ms zoom animation, the re-render of
 * the clusters on moveend); the long tasks from the first drag on.
 */
export async function panAndZoom(page: Page, mapWidget: string) {
  const container = page.getByTestId(`widget-${mapWidget}`).locator(".leaflet-container");
  const box = await container.boundingBox();
  if (!box) throw new NotDrawn("the map has no box on screen");
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  // the buttons' places first: a locator click would run Playwright's checks in the page during the window
  const zoom: Record<string, { x: number; y: number }> = {};
  for (const button of ["in", "out"]) {
    const b = await container.locator(`.leaflet-control-zoom-${button}`).boundingBox();
    if (!b) throw new NotDrawn(`the map has no zoom-${button} button`);
    zoom[button] = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }
  const since = await page.evaluate(() => performance.now());
  for (const [dx, dy] of [
    [300, 0],
    [0, 200],
    [-300, 0],
    [0, -200],
  ] as const) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + dx, cy + dy, { steps: 20 });
    await page.mouse.up();
    await settle(page, 600);
  }
  for (const button of ["in", "in", "out", "out"]) {
    const at = zoom[button] as { x: number; y: number };
    await page.mouse.click(at.x, at.y);
    await settle(page, 600);
  }
  await settle(page, 400);
  return longTasks(page, since);
}
