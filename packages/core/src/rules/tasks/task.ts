import type { TenantDb } from "@iot/db";
import type { z } from "zod";
import type { TPayload } from "../evaluate";

// A task is what a rule's step does, in code: its args schema (zod; its JSON Schema
// draws the step's form in the console: the options users change at runtime) and run().
// Registered once; `rules.listTasks` lists them.

/** What a task may reach; the worker provides it, dry runs never call run(). */
export interface TRuleServices {
  /** Runs fn in the rule's tenant only (row-level security). */
  tenant<T>(fn: (db: TenantDb) => Promise<T>): Promise<T>;
  /** Tells the tenant's rules and live subscribers of an alert raised or cleared. */
  alertChanged(change: TAlertChange): Promise<void>;
  /** Measures pushed by a rule go live like any other. */
  measuresPushed(tenantId: string, assetId: string, measures: unknown[]): Promise<void>;
  /** A tRPC procedure run in the tenant as the rule's owner, with no more than their permissions. */
  callApi(call: {
    ownerId: string | null;
    tenantId: string;
    path: string;
    input: unknown;
    /** The rule or schedule calling, for the audit log. */
    actor: { id: string; name: string };
    signal: AbortSignal;
  }): Promise<unknown>;
  fetch: typeof fetch;
  /** E-mail, when the platform has SMTP configured (SMTP_URL). */
  sendMail?: (mail: { to: string[]; subject: string; text: string }) => Promise<void>;
}

export interface TAlertChange {
  type: "raised" | "acknowledged" | "cleared";
  tenantId: string;
  alert: TAlertView;
  /** Rule runs that led here, to stop rules that feed each other from looping. */
  depth: number;
}

export interface TAlertView {
  id: string;
  ruleId: string | null;
  ruleName: string;
  twin: { kind: "asset" | "device"; id: string; model: string; reference: string };
  severity: "info" | "warning" | "critical";
  message: string;
  status: "active" | "acknowledged" | "cleared";
  autoClear: boolean;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  clearedAt: Date | null;
  clearedBy: string | null;
  details: Record<string, unknown>;
}

export interface TTaskContext {
  tenantId: string;
  tenantGroup: string;
  rule: { id: string; name: string; ownerId: string | null; autoClear: boolean };
  runId: string;
  /** The twin the run's rule state is kept for (the event's twin), if any. */
  twinKey: string | null;
  /** The trigger event's payload, as conditions and templates see it. */
  trigger: TPayload;
  depth: number;
  signal: AbortSignal;
  services: TRuleServices;
}

export interface TTask<A extends z.ZodType = z.ZodType> {
  name: string;
  label: string;
  description: string;
  args: A;
  /** Run again after a failure without harm (idempotent): the run is retried. */
  retrySafe: boolean;
  /** Only the tenant's data, through services.tenant and side effects through services (no network): a run of such steps is one transaction. */
  local?: boolean;
  run(ctx: TTaskContext, args: z.output<A>): Promise<unknown>;
  /** In words, what run() would do with these args: the dry run's answer. */
  describe(args: z.output<A>, trigger: TPayload): string;
}

export const defineTask = <A extends z.ZodType>(task: TTask<A>): TTask<A> => task;
