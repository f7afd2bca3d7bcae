// The measure pipeline's extension points, typed: `measures:process:before` hooks may
// change or add measures and set metadata of the device or asset (enrichment);
// `measures:process:after` hooks see what was stored (alerts, replication...). Registered
// in code, run in registration order, inside the ingestion transaction.

export interface TProcessedMeasure {
  measuredAt: Date;
  type: string;
  /** The device measure name (or, pushed to an asset, the slot). */
  name: string;
  values: Record<string, unknown>;
  /** The asset slot it feeds, when the device is linked (or pushed to an asset). */
  slot: string | null;
  /** The payload it was decoded from (measures of several payloads may share a batch). */
  payloadId?: string | null;
}

export interface TTwinRef {
  id: string;
  model: string;
  reference: string;
  metadata: Record<string, unknown>;
}

export interface TMeasureHookContext {
  tenantId: string;
  source: { kind: "device" | "api" | "computed"; twin: TTwinRef };
  asset: TTwinRef | null;
  payloadId: string | null;
  /** Sorted by measuredAt; before hooks may change it or push to it. */
  measures: TProcessedMeasure[];
  /** Before hooks: metadata to merge into the device or the asset (checked against its model). */
  setMetadata(target: "device" | "asset", patch: Record<string, unknown>): void;
}

type Hook = (ctx: TMeasureHookContext) => unknown;
const before: Hook[] = [];
const after: Hook[] = [];

function register(list: Hook[], hook: Hook): () => void {
  list.push(hook);
  return () => {
    const i = list.indexOf(hook);
    if (i >= 0) list.splice(i, 1);
  };
}

/** `measures:process:before`: returns the function that removes the hook. */
export const onMeasuresBefore = (hook: Hook) => register(before, hook);
/** `measures:process:after`: returns the function that removes the hook. */
export const onMeasuresAfter = (hook: Hook) => register(after, hook);

export function hasHooks(stage: "before" | "after"): boolean {
  return (stage === "before" ? before : after).length > 0;
}

export async function runHooks(stage: "before" | "after", ctx: TMeasureHookContext): Promise<void> {
  for (const hook of stage === "before" ? [...before] : [...after]) await hook(ctx);
}
