import { callAsOwner } from "@iot/api";
import {
  MAX_RULE_DEPTH,
  type TAlertChange,
  type TRuleServices,
  alertEvent,
  alertsChannel,
  guardedFetch,
  jobs,
  liveChannel,
  liveMessage,
  listensTo,
} from "@iot/core";
import type { Queue } from "bullmq";
import { createTransport } from "nodemailer";
import type { Redis } from "ioredis";

/** What rule tasks reach from the worker: the tenant's data, Redis for live and events, the API, the network. */
export function ruleServices(redis: Redis, rules: Queue): TRuleServices {
  return {
    // the runner gives each run its own, scoped to the run's tenant
    tenant: () => Promise.reject(new Error("rule services: tenant() is set per run")),
    async alertChanged(change: TAlertChange) {
      await redis.publish(alertsChannel(change.tenantId), JSON.stringify({ type: change.type, alert: change.alert }));
      if (change.type === "acknowledged" || change.depth + 1 > MAX_RULE_DEPTH) return;
      const name = change.type === "raised" ? "alert.raised" : "alert.cleared";
      // this process evaluated the tenant's rules a moment ago: it knows when none listens
      if (listensTo(change.tenantId, name) === false) return;
      const event = alertEvent(name, change.alert, change.depth + 1);
      await rules.add(
        jobs.evaluateRules.name,
        { tenantId: change.tenantId, events: [event] },
        { removeOnComplete: 1000, removeOnFail: 5000 },
      );
    },
    async measuresPushed(tenantId, assetId, measures) {
      const message = liveMessage({
        tenantId,
        payloadIds: [],
        devices: [{ id: assetId, reference: "", model: "", assetId, measures: measures as never }],
      });
      await redis.publish(liveChannel(tenantId), JSON.stringify(message));
    },
    callApi: (call) => callAsOwner(call),
    fetch: guardedFetch(),
    ...mailer(),
  };
}

/** E-mail through SMTP_URL (smtp://user:pass@host:587, smtps://... for TLS), when set. */
function mailer(): Pick<TRuleServices, "sendMail"> {
  const url = process.env.SMTP_URL;
  if (!url) return {};
  const transport = createTransport(url);
  const from = process.env.SMTP_FROM ?? "IoT platform <no-reply@localhost>";
  return {
    async sendMail(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
