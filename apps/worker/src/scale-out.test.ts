import { PAYLOAD_QUEUES, metricSum } from "@iot/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "./faults/cluster";
import { missingServers, waitFor } from "./faults/infra";

// Scale-out on one machine: 2 webhook processes and 2 workers on one Postgres and one
// Redis (private instances), 20,000 payloads of 200 devices posted through both webhooks,
// and one worker SIGKILLed halfway and not replaced. Every measure is stored exactly once,
// each device's measures in the order they were posted, and nothing is left queued: the
// other worker takes the dead one's shards over (one job per shard at a time across the
// workers, BullMQ's global concurrency).

const missing = missingServers();
if (missing) console.warn(`scale-out test skipped: ${missing}`);

const TOTAL = 20_000;
const DEVICES = 200;

describe.skipIf(Boolean(missing))("scale-out: 2 ingest and 2 worker processes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await Cluster.start({ ingests: 2, workers: 2 });
  }, 120_000);
  afterAll(() => cluster?.close(), 60_000);

  it("stores every measure once and in order per device with a worker SIGKILLed halfway, leaving nothing queued", async () => {
    const started = Date.now();
    const posting = cluster.post({
      total: TOTAL,
      devices: DEVICES,
      batch: 100,
      posters: 8,
      tag: "scale",
      t0: Date.now() - 3_600_000,
    });
    await waitFor("half the payloads settled", async () => ((await cluster.states()).VALID ?? 0) >= TOTAL / 2, 120_000, 50);
    const [victim, survivor] = cluster.workers;
    await victim?.kill();
    const atKill = (await cluster.states()).VALID ?? 0;
    expect(atKill).toBeLessThan(TOTAL);
    const { answers } = await posting;
    expect(answers, cluster.output()).toEqual({ VALID: TOTAL });

    await cluster.settled(TOTAL, 120_000);
    expect(await cluster.states()).toEqual({ VALID: TOTAL });
    expect(await cluster.measures()).toEqual({ total: TOTAL, distinct: TOTAL, odd: [] });
    expect(await cluster.outOfOrder()).toEqual([]);

    // nothing left in the payload queues, as the surviving worker's metrics say
    const metrics = await (await fetch(`${cluster.workerUrls[1]}/metrics`)).text();
    for (const queue of PAYLOAD_QUEUES) {
      expect(metrics).toContain(`iot_queue_jobs{queue="${queue}",state="wait"`);
      for (const state of ["wait", "active", "delayed", "prioritized", "failed"])
        expect(metricSum(metrics, "iot_queue_jobs", { queue, state }), `${queue} ${state}`).toBe(0);
    }
    expect(survivor?.alive).toBe(true);
    expect(cluster.ingests.every((i) => i.alive)).toBe(true);
    console.log(
      `scale-out: killed a worker at ${atKill} of ${TOTAL} settled; all settled by the other in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 240_000);
});
