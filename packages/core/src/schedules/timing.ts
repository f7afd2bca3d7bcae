import cronstrue from "cronstrue";
import { nextCronRun } from "../rules/triggers";

// When a schedule runs, in words and as the next date: what the console shows.

export interface TWhenFields {
  cron: string | null;
  timezone: string;
  everySeconds: number | null;
}

const UNITS: [number, string][] = [
  [86_400, "day"],
  [3_600, "hour"],
  [60, "minute"],
  [1, "second"],
];

/** "Every 2 seconds (UTC)", "At 09:00, Monday through Friday (Europe/Paris)", "every 5 minutes". */
export function humanizeWhen(when: TWhenFields): string {
  if (when.cron !== null) {
    const text = cronstrue.toString(when.cron, { use24HourTimeFormat: true, throwExceptionOnParseError: false });
    return `${text} (${when.timezone})`;
  }
  const seconds = when.everySeconds ?? 0;
  const [size, unit] = UNITS.find(([s]) => seconds % s === 0) ?? [1, "second"];
  const n = seconds / size;
  return n === 1 ? `every ${unit}` : `every ${n} ${unit}s`;
}

/** The next run: the cron's next occurrence in its timezone, or the last run plus the interval (now if overdue or never run). */
export function nextRunOf(when: TWhenFields, lastRunAt: Date | null, now: Date = new Date()): Date | null {
  if (when.cron !== null) {
    try {
      return nextCronRun(when.cron, when.timezone, now);
    } catch {
      return null;
    }
  }
  if (!when.everySeconds) return null;
  if (!lastRunAt) return now;
  const next = new Date(lastRunAt.getTime() + when.everySeconds * 1000);
  return next < now ? now : next;
}
