import type { TLiveMeasures } from "@iot/core";
import type { BrowserContext } from "@playwright/test";
import type { Redis } from "ioredis";
import { longTasks, NotDrawn, timedLoad } from "./dashboard-browser";

// C: the 6-widget dashboard in live mode while its 10 assets receive `rate` measures a
// second, published on the tenant's live channel the way the pipeline publishes its jobs'
// measures (ten messages a second). Over the window: the long tasks, the frames the page
// drew (a page that keeps up draws about 60 a second), and how many measures the line
// chart took in, so a page that stopped listening cannot pass for a fast one.

declare global {
  interface Window {
    __frames: number;
  }
}

type Check = Parameters<typeof timedLoad>[2];
export interface LiveResult {
  published: number;
  taken: number;
  fps: number;
  longest: number;
  over50: number;
}

export async function liveRun(
  context: BrowserContext,
  path: string,
  check: Check,
  opts: {
    redis: Redis;
    channel: string;
    tenantId: string;
    assets: { id: string; reference: string }[];
    rate: number;
    seconds: number;
    timeoutMs: number;
  },
): Promise<LiveResult> {
  const { page } = await timedLoad(context, path, check, opts.timeoutMs);
  // the page's stream opens after it has drawn
  await page.waitForTimeout(1_000);
  const since = await page.evaluate(() => {
    window.__frames = 0;
    const tick = () => {
      window.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return performance.now();
  });
  const perMessage = Math.max(1, Math.round(opts.rate / 10));
  const messages = opts.seconds * 10;
  let published = 0;
  const started = performance.now();
  for (let m = 0; m < messages; m++) {
    const devices: TLiveMeasures["devices"] = Array.from({ length: perMessage }, (_, k) => {
      const asset = opts.assets[(published + k) % opts.assets.length] as { id: string; reference: string };
      return {
        id: asset.id,
        reference: `sensor-${asset.reference}`,
        model: "BenchSensor",
        assetId: asset.id,
        measures: [
          {
            name: "temperature",
            slot: "temperature",
            type: "temperature",
            measuredAt: new Date().toISOString(),
            values: { temperature: 15 + ((published + k) % 100) / 10 },
          },
        ],
      };
    });
    const message: TLiveMeasures = { tenantId: opts.tenantId, devices };
    await opts.redis.publish(opts.channel, JSON.stringify(message));
    published += perMessage;
    const due = started + ((m + 1) * 1000) / 10;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  await page.waitForTimeout(1_000);
  const frames = await page.evaluate(() => window.__frames);
  const tasks = await longTasks(page, since);
  const taken = Number(await page.getByTestId("widget-line").getByTestId("widget-chart").getAttribute("data-live"));
  await page.close();
  if (!taken) throw new NotDrawn("the live dashboard's line chart took in no live measure");
  return { published, taken, fps: frames / (opts.seconds + 1), longest: tasks.longest, over50: tasks.over50 };
}
