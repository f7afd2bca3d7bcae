import type { AppRouter } from "@iot/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type Rule = Outputs["rules"]["get"];
export type RuleListItem = Outputs["rules"]["list"]["items"][number];
export type TaskInfo = Outputs["rules"]["listTasks"][number];
export type TriggerInfo = Outputs["rules"]["listTriggers"][number];
export type DryRunResult = Outputs["rules"]["dryRun"];
export type DryRunEvent = DryRunResult["events"][number];
export type RunView = Outputs["rules"]["runs"]["items"][number];
export type RuleDocumentInput = Inputs["rules"]["create"];
export type AlertView = Outputs["alerts"]["search"]["items"][number];

/** A condition node's trace, as the engine gives it (evaluate.ts). */
export interface ConditionTrace {
  path: string;
  kind: string;
  holds: boolean;
  actual?: unknown;
  previous?: unknown;
  note?: string;
  children?: ConditionTrace[];
}
