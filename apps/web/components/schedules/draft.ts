import type { AppRouter } from "@iot/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

// The schedule editor's state and its translation to and from a schedule document. The
// form keeps what the user typed; the document is built on save, with the mistakes the
// browser sees itself (a missing interval, invalid JSON) named by field like the server's.

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type Schedule = Outputs["schedules"]["get"];
export type ScheduleListItem = Outputs["schedules"]["list"]["items"][number];
export type ScheduleDocumentInput = Inputs["schedules"]["create"];
export type ScheduleAction = Schedule["action"];

/** Zones offered in the timezone select; any other IANA name can be typed. */
export const COMMON_TIMEZONES = [
  "UTC",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Amsterdam",
  "Europe/Brussels",
  "Europe/Zurich",
  "Europe/Stockholm",
  "Europe/Warsaw",
  "Europe/Athens",
  "Europe/Istanbul",
  "Europe/Moscow",
  "Africa/Casablanca",
  "Africa/Johannesburg",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "America/Toronto",
  "America/Mexico_City",
  "America/Sao_Paulo",
  "America/Montreal",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Shanghai",
  "Asia/Hong_Kong",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Australia/Sydney",
  "Pacific/Auckland",
] as const;

export interface ScheduleDraft {
  name: string;
  description: string;
  enabled: boolean;
  whenKind: "cron" | "every";
  cron: string;
  timezone: string;
  every: string;
  everyUnit: "seconds" | "minutes";
  actionType: "rule" | "api";
  ruleId: string;
  path: string;
  /** The API call's input as JSON text (empty: none). */
  input: string;
}

export const EMPTY_SCHEDULE_DRAFT: ScheduleDraft = {
  name: "",
  description: "",
  enabled: true,
  whenKind: "cron",
  cron: "0 * * * *",
  timezone: "UTC",
  every: "",
  everyUnit: "minutes",
  actionType: "rule",
  ruleId: "",
  path: "",
  input: "",
};

export function draftOf(s: Schedule): ScheduleDraft {
  const seconds = s.when.everySeconds;
  const inMinutes = seconds !== undefined && seconds % 60 === 0;
  return {
    name: s.name,
    description: s.description,
    enabled: s.enabled,
    whenKind: s.when.cron !== undefined ? "cron" : "every",
    cron: s.when.cron ?? EMPTY_SCHEDULE_DRAFT.cron,
    timezone: s.when.timezone || "UTC",
    every: seconds === undefined ? "" : String(inMinutes ? seconds / 60 : seconds),
    everyUnit: inMinutes ? "minutes" : "seconds",
    actionType: s.action.type,
    ruleId: s.action.type === "rule" ? s.action.ruleId : "",
    path: s.action.type === "api" ? s.action.path : "",
    input: s.action.type === "api" && s.action.input !== undefined ? JSON.stringify(s.action.input, null, 2) : "",
  };
}

/** The document the draft stands for, or the fields the browser already knows are wrong. */
export function toDocument(d: ScheduleDraft): { doc: ScheduleDocumentInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let when: ScheduleDocumentInput["when"];
  if (d.whenKind === "cron") {
    when = { cron: d.cron.trim(), timezone: d.timezone.trim() || "UTC" };
  } else {
    const n = Number(d.every);
    const seconds = n * (d.everyUnit === "minutes" ? 60 : 1);
    if (!d.every.trim() || !Number.isInteger(seconds) || seconds < 1)
      errors["when.everySeconds"] = `give a whole number of ${d.everyUnit}, at least 1 second`;
    when = { everySeconds: seconds };
  }
  let action: ScheduleDocumentInput["action"];
  if (d.actionType === "rule") {
    if (!d.ruleId) errors["action.ruleId"] = "choose a rule";
    action = { type: "rule", ruleId: d.ruleId };
  } else {
    let input: unknown;
    if (d.input.trim()) {
      try {
        input = JSON.parse(d.input);
      } catch (error) {
        errors["action.input"] = `not valid JSON: ${(error as Error).message}`;
      }
    }
    action = { type: "api", path: d.path.trim(), ...(input !== undefined ? { input } : {}) };
  }
  if (Object.keys(errors).length) return { doc: null, errors };
  return { doc: { name: d.name, description: d.description, enabled: d.enabled, when, action }, errors };
}

/** A short warning on the cron's shape before the server checks it (5 fields, or 6 with seconds). */
export function cronShapeHint(cron: string): string | null {
  const fields = cron.trim().split(/\s+/).filter(Boolean);
  if (!fields.length) return null;
  if (fields.length === 5) return "5 fields: minute hour day-of-month month day-of-week";
  if (fields.length === 6) return "6 fields: second minute hour day-of-month month day-of-week";
  return `${fields.length} field(s): a cron has 5 fields, or 6 with seconds first`;
}
