import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { callerFor, expectCode, newTenant, signedInMember } from "@iot/api/testkit";
import { deviceIn, twinWorld } from "@iot/api/twins-kit";
import { pruneRuns, registerTenantGroup, signBody } from "@iot/core";
import { withPlatform } from "@iot/db";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./worker";

// The rules engine end to end: measures pushed through the API reach the worker's rules
// queue (the web process's event bridge), rules are evaluated, runs executed, alerts kept.

const prefix = `iot-rules-${randomUUID().slice(0, 8)}`;
process.env.QUEUE_PREFIX = prefix;
// small limits, for the test of slow rules: 2 runs of a tenant at once, 2.5 s a run
process.env.RULE_TENANT_CONCURRENCY = "2";
process.env.RULE_RUN_TIMEOUT_MS = "2500";
// an SMTP server that keeps what it receives: notify e-mails when SMTP_URL is set
const mails: { to: string[]; text: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, done) {
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    stream.on("end", () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
      done();
    });
  },
});
const running = (async () => {
  smtp.listen(0, "127.0.0.1");
  await once(smtp.server, "listening");
  process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  return startWorker({ redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", prefix, concurrency: 4 });
})();
afterAll(async () => {
  await (await running).close();
  smtp.close();
});

async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type World = Awaited<ReturnType<typeof twinWorld>>;

const temperature = (value: number, at = new Date()) => ({
  measuredAt: at,
  type: "temperature",
  name: "temperature",
  values: { temperature: value },
});

/** Above 30 °C on this device (each test its own device, so rules of one test ignore the others'). */
function thresholdRule(world: World, deviceId: string, extra: Record<string, unknown> = {}) {
  return {
    name: `hot-${randomUUID().slice(0, 6)}`,
    enabled: true,
    trigger: { type: "event" as const, event: "measures.processed" as const, models: [world.sensor.model] },
    condition: {
      all: [
        { field: "measure.values.temperature", op: "gt" as const, value: 30 },
        { field: "device.id", op: "eq" as const, value: deviceId },
      ],
    },
    steps: [
      {
        task: "raiseAlert",
        args: { severity: "critical", message: "Too hot on {{device.reference}}: {{measure.values.temperature}}" },
      },
    ],
    ...extra,
  };
}

describe("rules engine", () => {
  let world: World;
  beforeAll(async () => {
    await running;
    world = await twinWorld();
  });

  it("a threshold held for its time raises one alert, not before, and clears it when the condition stops", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const rule = await api.rules.create(thresholdRule(world, device.id, { holdsForSeconds: 2, autoClear: true }));
    const alertsOf = () => api.alerts.search({ ruleId: rule.id, limit: 10 });

    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(35)] });
    await sleep(1000);
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(36)] });
    expect((await alertsOf()).items).toEqual([]); // held for 1 s only

    const raised = await eventually(alertsOf, (r) => r.items.length > 0, 5_000);
    expect(raised.items).toHaveLength(1);
    expect(raised.items[0]).toMatchObject({ status: "active", severity: "critical", twin: { id: device.id } });
    // fired by the holds-for check, with the stretch's last reading
    expect(raised.items[0]?.message).toBe(`Too hot on ${device.reference}: 36`);
    expect(raised.open.active).toBeGreaterThanOrEqual(1);

    // still hot: no second alert
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(37)] });
    await sleep(500);
    expect((await alertsOf()).items).toHaveLength(1);

    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(20)] });
    const cleared = await eventually(alertsOf, (r) => r.items[0]?.status === "cleared");
    expect(cleared.items[0]?.clearedBy).toBe(`rule ${rule.name}`);

    const runs = await api.rules.runs({ ruleId: rule.id });
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({ status: "succeeded", steps: [{ task: "raiseAlert", output: { raised: true } }] });
  });

  it("other measures of the twin neither break a holds-for stretch nor clear its alert", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const rule = await api.rules.create(thresholdRule(world, device.id, { holdsForSeconds: 1, autoClear: true }));
    const humidity = (value: number) => ({
      measuredAt: new Date(),
      type: "humidity",
      name: "humidity",
      values: { humidity: value },
    });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(35)] });
    await sleep(300);
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [humidity(50)] });
    const raised = await eventually(
      () => api.alerts.search({ ruleId: rule.id }),
      (r) => r.items.length === 1,
      5_000,
    );
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [humidity(55)] });
    await sleep(500);
    expect((await api.alerts.search({ ruleId: rule.id })).items[0]).toMatchObject({ id: raised.items[0]?.id, status: "active" });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(20)] });
    await eventually(
      () => api.alerts.search({ ruleId: rule.id }),
      (r) => r.items[0]?.status === "cleared",
    );
  });

  it("what a rule run does is news for rules too: metadata it sets and measures it computes, one link deeper", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const room = await api.assets.create({ model: "Room", reference: `chain-${world.tag}-${randomUUID().slice(0, 4)}` });
    await api.devices.linkAsset({ deviceId: device.id, assetId: room.id });
    const first = await api.rules.create(
      thresholdRule(world, device.id, {
        steps: [
          { task: "setMetadata", args: { on: "asset", metadata: { building: "hot at {{measure.values.temperature}}" } } },
          {
            task: "pushComputedMeasure",
            args: { name: "humidity", type: "humidity", values: { humidity: "{{measure.values.temperature}}" } },
          },
        ],
      }),
    );
    const follower = await api.rules.create({
      name: `follows-${randomUUID().slice(0, 6)}`,
      enabled: true,
      trigger: { type: "event", event: "asset.updated", models: ["Room"] },
      condition: {
        all: [
          { field: "asset.id", op: "eq", value: room.id },
          { field: "changed", op: "exists", value: true },
        ],
      },
      steps: [{ task: "notify", args: { title: "{{asset.reference}} is {{asset.metadata.building}}" } }],
    });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(38)] });
    const runs = await eventually(
      () => api.rules.runs({ ruleId: follower.id }),
      (r) => r.items[0]?.status === "succeeded",
    );
    expect(runs.items[0]?.trigger).toMatchObject({
      event: "asset.updated",
      depth: 1,
      asset: { metadata: { building: "hot at 38" } },
    });
    expect((await api.notifications.list()).items.map((n) => n.title)).toContain(`${room.reference} is hot at 38`);
    const firstRuns = await eventually(
      () => api.rules.runs({ ruleId: first.id }),
      (r) => r.items[0]?.status === "succeeded" || r.items[0]?.status === "failed",
    );
    expect(firstRuns.items[0]?.error ?? null).toBeNull();
    const computed = await withPlatform(
      (db) => db.$queryRaw<{ origin_type: string; values: unknown }[]>`
        SELECT origin_type, values FROM measures WHERE asset_id = ${room.id}::uuid AND name = 'humidity'`,
    );
    expect(computed).toEqual([{ origin_type: "computed", values: { humidity: 38 } }]);
  });

  it("a run of local steps takes effect whole or not at all: a failing step leaves no alert behind", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const rule = await api.rules.create(
      thresholdRule(world, device.id, {
        steps: [
          { task: "raiseAlert", args: { message: "hot" } },
          // the sensor model has no metadata field "colour": refused when the step runs
          { task: "setMetadata", args: { on: "device", metadata: { colour: "red" } } },
        ],
      }),
    );
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(45)] });
    const runs = await eventually(
      () => api.rules.runs({ ruleId: rule.id }),
      (r) => r.items[0]?.status === "failed",
      15_000,
    );
    expect(runs.items[0]?.error).toMatch(/step 2 \(setMetadata\)/);
    expect(runs.items[0]?.attempts).toBe(1); // refused by the model: not tried again
    expect((await api.alerts.search({ ruleId: rule.id })).items).toEqual([]);
  }, 20_000);

  it("a geofence exit rule fires on the exit only, not while outside nor inside", async () => {
    const api = world.tenantAdmin.as();
    const tracker = await deviceIn(world, world.tenant.id, world.tracker.model);
    const rule = await api.rules.create({
      name: `left-depot-${randomUUID().slice(0, 6)}`,
      enabled: true,
      trigger: { type: "event", event: "measures.processed", models: [world.tracker.model] },
      condition: {
        geofence: { field: "measure.values.position", shape: { circle: { lat: 45.76, lon: 4.83, radiusM: 1000 } }, when: "exit" },
      },
      steps: [{ task: "notify", args: { title: "{{device.reference}} left the depot" } }],
    });
    const at = (i: number) => new Date(Date.now() - (10 - i) * 1000);
    const position = (lat: number, i: number) => ({
      measuredAt: at(i),
      type: "position",
      name: "position",
      values: { position: { lat, lon: 4.83 } },
    });
    // inside, inside, outside (the exit), outside: posted one by one, in order
    for (const [i, lat] of [45.76, 45.761, 45.8, 45.81].entries())
      await api.devices.receiveMeasures({ deviceId: tracker.id, measures: [position(lat, i)] });
    const runs = await eventually(
      () => api.rules.runs({ ruleId: rule.id }),
      (r) => r.items.some((x) => x.status === "succeeded"),
    );
    await sleep(500);
    const all = await api.rules.runs({ ruleId: rule.id });
    expect(all.items).toHaveLength(1);
    const trigger = all.items[0]?.trigger as { measure?: { values: { position: { lat: number } } } } | undefined;
    expect(trigger?.measure?.values.position.lat).toBe(45.8);
    expect(runs.items[0]?.steps[0]?.input).toMatchObject({ title: `${tracker.reference} left the depot` });

    // the notification is for every member, each reading it on their own
    const member = await signedInMember(world.admin, world.tenant.id, ["viewer"]);
    const title = `${tracker.reference} left the depot`;
    const mine = await api.notifications.list();
    expect(mine.items.find((n) => n.title === title)).toMatchObject({ readAt: null, ruleId: rule.id });
    expect(mine.unread).toBeGreaterThanOrEqual(1);
    await api.notifications.markRead({ all: true });
    expect((await api.notifications.list()).unread).toBe(0);
    expect((await member.as().notifications.list({ unreadOnly: true })).items.map((n) => n.title)).toContain(title);
    expect((await world.otherAdmin.as().notifications.list()).items.map((n) => n.title)).not.toContain(title);
    // and e-mailed to the members, SMTP being configured
    const mail = await eventually(async () => mails.find((m) => m.text.includes(title)), Boolean);
    expect(mail?.to).toContain(world.tenantAdmin.user.email);
    expect(mail?.text).toContain(`Subject: [info] ${title}`);
  });

  it("an httpRequest step sends the rendered, signed body; a failing one is retried and recorded with its error", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const received: { body: string; headers: IncomingMessage["headers"]; path: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ body, headers: req.headers, path: req.url ?? "" });
        res.statusCode = req.url === "/down" ? 503 : 200;
        res.end(req.url === "/down" ? "maintenance" : "ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await api.rules.create(
        thresholdRule(world, device.id, {
          steps: [
            {
              task: "httpRequest",
              args: {
                url: `${url}/hook`,
                body: { device: "{{device.reference}}", t: "{{measure.values.temperature}}" },
                secret: "s3cret-key",
              },
            },
          ],
        }),
      );
      const down = await api.rules.create(
        thresholdRule(world, device.id, {
          steps: [{ task: "httpRequest", args: { url: `${url}/down`, retries: 2, timeoutMs: 1000 } }],
        }),
      );
      await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(41.5)] });

      const okRun = await eventually(
        () => api.rules.runs({ ruleId: ok.id }),
        (r) => r.items[0]?.status === "succeeded",
      );
      const hook = received.find((r) => r.path === "/hook");
      expect(JSON.parse(hook?.body ?? "{}")).toEqual({ device: device.reference, t: 41.5 });
      const timestamp = String(hook?.headers["x-iot-timestamp"]);
      expect(hook?.headers["x-iot-signature"]).toBe(signBody("s3cret-key", timestamp, hook?.body ?? ""));
      expect(okRun.items[0]?.steps[0]).toMatchObject({ output: { status: 200, attempts: 1 } });

      const failed = await eventually(
        () => api.rules.runs({ ruleId: down.id }),
        (r) => r.items[0]?.status === "failed",
      );
      const run = failed.items[0];
      expect(run?.error).toMatch(/step 1 \(httpRequest\): POST .*\/down answered 503|failed after 3 attempt/);
      expect(run?.steps[0]?.attempts).toHaveLength(3);
      expect(received.filter((r) => r.path === "/down")).toHaveLength(3);
    } finally {
      server.close();
    }
  });

  it("a tenant's slow rules run two at a time and are stopped at the deadline, while another tenant's run at once", async () => {
    let inFlight = 0;
    let most = 0;
    const server = createServer((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      req.resume();
      const timer = setTimeout(() => res.end("late"), 10_000);
      res.on("close", () => {
        clearTimeout(timer);
        inFlight--;
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    try {
      const api = world.tenantAdmin.as();
      const device = await deviceIn(world, world.tenant.id);
      const slow = await api.rules.create(
        thresholdRule(world, device.id, { steps: [{ task: "httpRequest", args: { url, retries: 0, timeoutMs: 30_000 } }] }),
      );
      // five slow runs in the tenant: five measures
      const start = Date.now() - 60_000;
      await api.devices.receiveMeasures({
        deviceId: device.id,
        measures: [0, 1, 2, 3, 4].map((i) => temperature(40 + i, new Date(start + i * 1000))),
      });
      await eventually(
        async () => inFlight,
        (n) => n >= 1,
      );

      // meanwhile, the other tenant's rule runs at once
      const other = world.otherAdmin.as();
      const theirs = await deviceIn(world, world.other.id);
      const quick = await other.rules.create(
        thresholdRule(world, theirs.id, { steps: [{ task: "raiseAlert", args: { message: "hot" } }] }),
      );
      const sent = Date.now();
      await other.devices.receiveMeasures({ deviceId: theirs.id, measures: [temperature(45)] });
      await eventually(
        () => other.rules.runs({ ruleId: quick.id }),
        (r) => r.items[0]?.status === "succeeded",
        2_000,
      );
      expect(Date.now() - sent).toBeLessThan(2_000);

      const runs = await eventually(
        () => api.rules.runs({ ruleId: slow.id }),
        (r) => r.items.length === 5 && r.items.every((x) => x.status === "failed"),
        20_000,
      );
      expect(most).toBe(2);
      for (const run of runs.items) expect(run.error).toMatch(/took longer than 2500 ms and was stopped/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 30_000);

  it("callApi runs as the rule's owner in its tenant only: no other tenant, no more than the owner's permissions", async () => {
    const editor = await signedInMember(world.admin, world.tenant.id, ["editor"]);
    const api = editor.as();
    const device = await deviceIn(world, world.tenant.id);
    const foreign = await world.otherAdmin.as().assets.create({ model: "Room", reference: `foreign-${world.tag}` });
    const ref = `made-by-rule-${randomUUID().slice(0, 6)}`;
    const rule = await api.rules.create(
      thresholdRule(world, device.id, {
        steps: [
          { task: "callApi", args: { path: "assets.create", input: { model: "Room", reference: ref } } },
          { task: "callApi", args: { path: "assets.get", input: { id: foreign.id } } },
        ],
      }),
    );
    const admin = await api.rules.create(
      thresholdRule(world, device.id, {
        steps: [
          {
            task: "callApi",
            args: {
              path: "users.create",
              input: { email: `x-${ref}@example.test`, name: "x", password: "long enough password", profiles: ["viewer"] },
            },
          },
        ],
      }),
    );
    const platform = await api.rules.create(
      thresholdRule(world, device.id, { steps: [{ task: "callApi", args: { path: "tenants.list", input: {} } }] }),
    );
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(50)] });
    const done = (id: string) =>
      eventually(
        () => api.rules.runs({ ruleId: id }),
        (r) => r.items[0]?.status === "failed" || r.items[0]?.status === "succeeded",
      );
    const [own, perms, plat] = await Promise.all([done(rule.id), done(admin.id), done(platform.id)]);
    // step 1 created the asset in the rule's tenant; step 2 could not see the other tenant's
    expect((await api.assets.get({ model: "Room", reference: ref })).reference).toBe(ref);
    expect(own.items[0]?.status).toBe("failed");
    expect(own.items[0]?.error).toMatch(/step 2 \(callApi\).*not found/i);
    expect(perms.items[0]?.error).toMatch(/missing permission users:manage/);
    expect(plat.items[0]?.status).toBe("failed");
    expect(plat.items[0]?.error).toMatch(/step 1 \(callApi\)/);

    // a key limited to some permissions cannot hand a rule its user's full permissions
    const key = await api.auth.createApiKey({
      name: "rules only",
      tenantId: world.tenant.id,
      permissions: ["rules:read", "rules:write"],
    });
    const limited = callerFor(key.token);
    await expectCode(
      limited.rules.create(thresholdRule(world, device.id, { steps: [{ task: "callApi", args: { path: "assets.list" } }] })),
      "FORBIDDEN",
    );
    const plain = await limited.rules.create(thresholdRule(world, device.id, { enabled: false }));
    await expectCode(
      limited.rules.update({ id: plain.id, patch: { steps: [{ task: "callApi", args: { path: "assets.search" } }] } }),
      "FORBIDDEN",
    );
    expect((await api.rules.get({ id: plain.id })).steps[0]?.task).toBe("raiseAlert");
  });

  it("dryRun answers what real runs did on the same events", async () => {
    const api = world.tenantAdmin.as();
    const device = await deviceIn(world, world.tenant.id);
    const rule = await api.rules.create(thresholdRule(world, device.id, { holdsForSeconds: 60 }));
    const start = Date.now() - 10 * 60_000;
    const values = [20, 33, 34, 35, 20, 31, 40];
    // a minute apart: above 30 from 33 (+1 min), held a minute at 34 (fires); broken by 20; 31 then 40 (fires)
    await api.devices.receiveMeasures({
      deviceId: device.id,
      measures: values.map((v, i) => temperature(v, new Date(start + i * 60_000))),
    });
    const real = await eventually(
      () => api.rules.runs({ ruleId: rule.id }),
      (r) => r.items.length >= 2 && r.items.every((x) => x.status === "succeeded"),
    );
    await sleep(300);
    const dry = await api.rules.dryRun({ ruleId: rule.id, measuresOf: { deviceId: device.id, last: 20 } });
    expect(dry.events).toHaveLength(values.length);
    expect(dry.fired).toBe((await api.rules.runs({ ruleId: rule.id })).items.length);
    const firedAt = dry.events
      .filter((e) => e.fires)
      .map((e) => (e.payload.measure as { values: { temperature: number } }).values.temperature);
    const realAt = real.items.map((r) => (r.trigger.measure as { values: { temperature: number } }).values.temperature).sort();
    expect(firedAt.sort()).toEqual(realAt);
    expect(firedAt.sort()).toEqual([34, 40]);
    expect(dry.events[2]?.steps[0]).toMatchObject({ task: "raiseAlert", wouldDo: expect.stringContaining("critical alert") });
    expect(dry.events[0]?.trace).toMatchObject({ holds: false, children: [{ holds: false, actual: 20 }, { holds: true }] });
  });

  it("refuses malformed rule documents with BAD_REQUEST naming the field", async () => {
    const api = world.tenantAdmin.as();
    const device = { id: randomUUID() };
    const issues = async (doc: unknown) => {
      const error = await expectCode(api.rules.create(doc as never), "BAD_REQUEST");
      const cause = error.cause as { issues?: unknown; details?: { issues?: unknown } } | undefined;
      return JSON.stringify(cause?.issues ?? cause?.details?.issues ?? error.message);
    };
    expect(await issues({ ...thresholdRule(world, device.id), steps: [{ task: "launchRocket", args: {} }] })).toContain(
      "steps.0.task",
    );
    expect(
      await issues({ ...thresholdRule(world, device.id), condition: { field: "measure.valuez.t", op: "gt", value: 1 } }),
    ).toContain("condition.field");
    expect(
      await issues({
        ...thresholdRule(world, device.id),
        steps: [{ task: "raiseAlert", args: { message: "{{measure.temp.value}}" } }],
      }),
    ).toContain("steps.0.args.message");
    expect(
      await issues({
        ...thresholdRule(world, device.id),
        steps: [{ task: "raiseAlert", args: { severity: "huge", message: "x" } }],
      }),
    ).toContain("steps.0.args.severity");
    expect(await issues({ ...thresholdRule(world, device.id), trigger: { type: "event", event: "moon.rise" } })).toContain(
      "trigger.event",
    );
    // what the models' measures have: a misspelled value is refused, not a rule that never fires
    const typo = await issues({
      ...thresholdRule(world, device.id),
      condition: { field: "measure.values.temprature", op: "gt", value: 1 },
    });
    expect(typo).toContain("condition.field");
    expect(typo).toContain("no value temprature");
    expect(
      await issues({
        ...thresholdRule(world, device.id),
        steps: [{ task: "raiseAlert", args: { message: "{{measure.values.humidty}}" } }],
      }),
    ).toContain("steps.0.args.message");
    expect(
      await issues({
        ...thresholdRule(world, device.id),
        trigger: { type: "event", event: "measures.processed", models: ["NoSuchModel"] },
      }),
    ).toContain("trigger.models.0");
    const rule = await api.rules.create(thresholdRule(world, device.id));
    const error = await expectCode(api.rules.update({ id: rule.id, patch: { holdsForSeconds: -1 } }), "BAD_REQUEST");
    expect(JSON.stringify((error.cause as { details?: { issues?: unknown } })?.details?.issues)).toContain("holdsForSeconds");
  });

  it("keeps rules and alerts to their tenant", async () => {
    const device = { id: randomUUID() };
    const rule = await world.tenantAdmin.as().rules.create(thresholdRule(world, device.id));
    const other = world.otherAdmin.as();
    // names are unique in a tenant, not across tenants
    await expectCode(world.tenantAdmin.as().rules.create({ ...thresholdRule(world, device.id), name: rule.name }), "CONFLICT");
    expect((await other.rules.create({ ...thresholdRule(world, device.id), name: rule.name, enabled: false })).name).toBe(
      rule.name,
    );
    await expectCode(other.rules.get({ id: rule.id }), "NOT_FOUND");
    await expectCode(other.rules.update({ id: rule.id, patch: { enabled: false } }), "NOT_FOUND");
    await expectCode(other.rules.delete({ id: rule.id }), "NOT_FOUND");
    expect((await other.rules.list()).items.map((r) => r.id)).not.toContain(rule.id);
    expect((await other.alerts.search()).items.every((a) => a.ruleId !== rule.id)).toBe(true);
    // a member of the other tenant naming this tenant is refused
    await expectCode(world.otherAdmin.as(world.tenant.id).rules.list(), "FORBIDDEN");
    await expectCode(world.otherAdmin.as(world.tenant.id).alerts.search(), "FORBIDDEN");
  });

  it("setMetadata runs with no more than the owner's permissions", async () => {
    const name = `automation_${randomUUID().slice(0, 6).replace(/-/g, "")}`;
    registerTenantGroup({
      name,
      label: "Automation",
      description: "test",
      profiles: { automation: ["rules:read", "rules:write", "devices:read", "measures:read"] },
    });
    const tenant = await newTenant(world.admin, name);
    const member = await signedInMember(world.admin, tenant.id, ["automation"]);
    const device = await deviceIn(world, tenant.id);
    const rule = await member.as().rules.create(
      thresholdRule(world, device.id, {
        steps: [{ task: "setMetadata", args: { on: "device", metadata: { firmware: "2.0" } } }],
      }),
    );
    await world.admin.as(tenant.id).devices.receiveMeasures({ deviceId: device.id, measures: [temperature(50)] });
    const runs = await eventually(
      () => member.as().rules.runs({ ruleId: rule.id }),
      (r) => r.items[0]?.status === "failed",
      15_000,
    );
    expect(runs.items[0]?.error).toMatch(/lacks devices:write/);
    expect(runs.items[0]?.attempts).toBe(1); // a refusal is not retried
    expect((await world.admin.as(tenant.id).devices.get({ id: device.id })).metadata).not.toMatchObject({ firmware: "2.0" });
  }, 20_000);

  it("copies a tenant group's default rules into each new tenant", async () => {
    const name = `rules_group_${randomUUID().slice(0, 6).replace(/-/g, "")}`;
    registerTenantGroup({
      name,
      label: "With default rules",
      description: "test",
      defaultRules: [
        {
          name: "Low battery",
          enabled: true,
          trigger: { type: "event", event: "measures.processed" },
          condition: { field: "measure.values.battery", op: "lt", value: 10 },
          steps: [{ task: "raiseAlert", args: { severity: "warning", message: "Battery at {{measure.values.battery}}%" } }],
        },
      ],
    });
    const tenant = await newTenant(world.admin, name);
    const rules = await world.admin.as(tenant.id).rules.list();
    expect(rules.items.map((r) => [r.name, r.fromDefault, r.enabled])).toEqual([["Low battery", "Low battery", true]]);
  });

  it("prunes old runs, and deleting a tenant removes its rules, runs, states, alerts, notifications and schedules", async () => {
    const tenant = await newTenant(world.admin);
    const api = world.admin.as(tenant.id);
    const device = await deviceIn(world, tenant.id);
    const rule = await api.rules.create(
      thresholdRule(world, device.id, {
        autoClear: true,
        steps: [
          { task: "raiseAlert", args: { message: "hot" } },
          { task: "notify", args: { title: "hot" } },
        ],
      }),
    );
    await api.schedules.create({
      name: "nightly",
      when: { cron: "0 3 * * *", timezone: "Europe/Paris" },
      action: { type: "rule", ruleId: rule.id },
    });
    await api.devices.receiveMeasures({ deviceId: device.id, measures: [temperature(50)] });
    await eventually(
      () => api.alerts.search(),
      (r) => r.items.length === 1,
    );
    await eventually(
      () => api.rules.runs({ ruleId: rule.id }),
      (r) => r.items[0]?.status === "succeeded",
    );
    const count = (table: string) =>
      withPlatform((db) =>
        db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1::uuid`, tenant.id),
      ).then((r) => r[0]?.n);
    const tables = ["rules", "rule_runs", "rule_states", "alerts", "notifications", "schedules"];
    for (const t of tables) expect(await count(t), t).toBe(1);

    // a run a month and a half old goes, today's stays
    await withPlatform(
      (db) => db.$executeRaw`UPDATE rule_runs SET created_at = now() - interval '45 days' WHERE rule_id = ${rule.id}::uuid`,
    );
    expect((await withPlatform((db) => pruneRuns(db, 30))).deleted).toBeGreaterThanOrEqual(1);
    expect(await count("rule_runs")).toBe(0);

    await world.admin.as().tenants.delete({ id: tenant.id });
    for (const t of tables) expect(await count(t), t).toBe(0);
  });
});
