import { Badge } from "@/components/ui/surface";

export const SEVERITIES = ["info", "warning", "critical"] as const;
export const ALERT_STATUSES = ["active", "acknowledged", "cleared"] as const;

const SEVERITY_TONES = { info: "accent", warning: "amber", critical: "red" } as const;
const STATUS_TONES = { active: "red", acknowledged: "amber", cleared: "neutral" } as const;

export function SeverityBadge({ severity }: { severity: string }) {
  return <Badge tone={SEVERITY_TONES[severity as keyof typeof SEVERITY_TONES] ?? "neutral"}>{severity}</Badge>;
}

export function AlertStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONES[status as keyof typeof STATUS_TONES] ?? "neutral"}>{status}</Badge>;
}

/** The coloured bar at a row's start. */
export const severityBar = (severity: string) =>
  severity === "critical" ? "border-l-red-500" : severity === "warning" ? "border-l-amber-500" : "border-l-accent-500";
