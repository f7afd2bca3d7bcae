// Dates as people say them: "in 5 s", "3 min ago".

/** "now", "in 5 s", "3 min ago", "in 2 h", "4 d ago". */
export function relativeTime(date: Date, now: number = Date.now()): string {
  const diff = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(diff);
  const [n, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.round(abs / 60), "min"]
        : abs < 86_400
          ? [Math.round(abs / 3600), "h"]
          : [Math.round(abs / 86_400), "d"];
  if (abs < 1) return "now";
  return diff > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}
