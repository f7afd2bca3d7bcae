import { z } from "zod";
import { writeAssetMetadata } from "../../twins/assets";
import { updateDeviceMetadata } from "../../twins/devices";
import { ingestMeasures } from "../../measures/ingest";
import { AppError } from "../../errors";
import { assertOwnerMay } from "../owner";
import { defineTask } from "./task";
import { targetTwin, twinLabel, ZTwinTarget } from "./twin-target";

export const setMetadataTask = defineTask({
  name: "setMetadata",
  label: "Set metadata",
  description:
    "Merges fields into the metadata of the trigger's asset or device (null removes a field), checked against its model.",
  args: z
    .object({
      on: ZTwinTarget,
      metadata: z.record(z.string(), z.unknown()).refine((m) => Object.keys(m).length > 0, "give at least one field"),
    })
    .strict(),
  retrySafe: true,
  local: true,
  async run(ctx, args) {
    const twin = targetTwin(ctx.trigger, args.on);
    await assertOwnerMay(ctx, twin.kind === "device" ? "devices:write" : "assets:write");
    await ctx.services.tenant(async (db) => {
      if (twin.kind === "device") await updateDeviceMetadata(db, { id: twin.id, metadata: args.metadata }, false);
      else
        await writeAssetMetadata(
          db,
          ctx.tenantGroup,
          { id: twin.id, metadata: args.metadata },
          {
            replace: false,
            actor: `rule ${ctx.rule.name}`,
          },
        );
    });
    return { twin: `${twin.kind} ${twin.reference}`, fields: Object.keys(args.metadata) };
  },
  describe: (args, trigger) =>
    `set ${Object.keys(args.metadata).join(", ")} on ${twinLabel(trigger, args.on)} to ${JSON.stringify(args.metadata)}`,
});

export const pushComputedMeasureTask = defineTask({
  name: "pushComputedMeasure",
  label: "Push a computed measure",
  description:
    "Stores a measure on the trigger's asset (origin computed), through the same ingestion as every measure: checked against its type and the asset's slots, in rollups, last measures and live.",
  args: z
    .object({
      name: z.string().min(1).max(40).describe("The asset's measure slot"),
      type: z.string().min(1).max(40).describe("Its measure type, e.g. temperature"),
      values: z.record(z.string(), z.unknown()).describe('e.g. { "temperature": "{{measure.values.temperature}}" }'),
      measuredAt: z
        .string()
        .max(64)
        .optional()
        .describe("ISO date-time, e.g. {{measure.measuredAt}}; the trigger's time when not given"),
    })
    .strict(),
  retrySafe: true,
  local: true,
  async run(ctx, args) {
    const twin = targetTwin(ctx.trigger, "asset");
    await assertOwnerMay(ctx, "measures:write");
    const when = args.measuredAt ?? String(ctx.trigger.at);
    const measuredAt = new Date(when);
    if (Number.isNaN(measuredAt.getTime())) throw AppError.badRequest(`measuredAt is not a date: ${when}`);
    const values = Object.fromEntries(
      Object.entries(args.values).map(([k, v]) => [
        k,
        typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v,
      ]),
    );
    const measure = { name: args.name, type: args.type, measuredAt, values };
    const result = await ctx.services.tenant(async (db) =>
      ingestMeasures(db, ctx.tenantGroup, { source: { kind: "computed", assetId: twin.id }, measures: [measure] }),
    );
    await ctx.services.measuresPushed(ctx.tenantId, twin.id, result.processed);
    return { asset: twin.reference, inserted: result.inserted, duplicates: result.duplicates };
  },
  describe: (args, trigger) => `push ${args.name} ${JSON.stringify(args.values)} onto ${twinLabel(trigger, "asset")}`,
});
