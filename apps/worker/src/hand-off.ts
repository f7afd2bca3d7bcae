import { type THandOff, type TRefusedPayload, jobs, liveChannel, liveMessage, measureEvents, payloadErrorEvent } from "@iot/core";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * Step 6 of the pipeline, with the worker's Redis: per tenant, one rule evaluation job
 * (each measure an event) and one live message. Before the payloads are settled, so a
 * crash here re-runs the job (rules may see a batch twice, which their run keys make
 * harmless; they never miss one).
 */
export function handOff(redis: Redis, rules: Queue) {
  return async (batches: THandOff[]) => {
    const publish = redis.pipeline();
    for (const b of batches) publish.publish(liveChannel(b.tenantId), JSON.stringify(liveMessage(b)));
    await Promise.all([
      publish.exec(),
      rules.addBulk(
        batches.map((b) => ({
          name: jobs.evaluateRules.name,
          data: {
            tenantId: b.tenantId,
            events: b.devices.flatMap((d) =>
              measureEvents({ deviceId: d.id, assetId: d.assetId, originId: d.id, measures: d.measures }),
            ),
          },
          opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 3, backoff: { type: "exponential", delay: 1000 } },
        })),
      ),
    ]);
  };
}

/** Step 9: payloads a tenant sent that were refused, for its rules (payload.error). */
export function refused(rules: Queue) {
  return async (list: TRefusedPayload[]) => {
    const byTenant = new Map<string, TRefusedPayload[]>();
    for (const p of list) byTenant.set(p.tenantId, [...(byTenant.get(p.tenantId) ?? []), p]);
    await rules.addBulk(
      [...byTenant].map(([tenantId, payloads]) => ({
        name: jobs.evaluateRules.name,
        data: { tenantId, events: payloads.map(payloadErrorEvent) },
        opts: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 3, backoff: { type: "exponential", delay: 1000 } },
      })),
    );
  };
}
