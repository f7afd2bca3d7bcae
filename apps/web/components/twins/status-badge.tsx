import { Badge } from "@/components/ui/surface";

const TONES = { online: "green", offline: "red", "never-seen": "neutral" } as const;

export function StatusBadge({ status }: { status: keyof typeof TONES }) {
  return <Badge tone={TONES[status]}>{status === "never-seen" ? "never seen" : status}</Badge>;
}

export function formatWhen(date: Date | null | undefined): string {
  if (!date) return "—";
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return date.toLocaleDateString();
}
