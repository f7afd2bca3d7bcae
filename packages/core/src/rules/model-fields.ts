import type { TenantDb } from "@iot/db";
import { AppError, type AppErrorIssue } from "../errors";
import { measureTypeMap } from "../twins/measure-types";
import { getAssetModel, getDeviceModel, type TModel } from "../twins/models";
import { conditionFields, type TRuleDocument } from "./document";
import { checkTemplates } from "./templates";

// What the payload's schema cannot tell: a rule on measures of given models may only read
// the values those models' measures have. `measure.values.temprature` on a rule for a
// temperature sensor is a typo caught at save, not a rule that silently never fires.

export async function assertModelFields(db: TenantDb, group: string, doc: TRuleDocument): Promise<void> {
  if (doc.trigger.type !== "event" || !doc.trigger.models.length) return;
  const issues: AppErrorIssue[] = [];
  const models: TModel[] = [];
  for (const [i, name] of doc.trigger.models.entries()) {
    const model = (await getDeviceModel(db, name).catch(() => null)) ?? (await getAssetModel(db, group, name).catch(() => null));
    if (model) models.push(model);
    else issues.push({ path: `trigger.models.${i}`, message: `no device or asset model named ${name}` });
  }
  if (issues.length) throw AppError.badRequest(`unknown models: ${issues.map((i) => i.message).join("; ")}`, issues);
  if (doc.trigger.event !== "measures.processed") return;

  const types = await measureTypeMap(db);
  const values = new Set(models.flatMap((m) => m.measures.flatMap((s) => Object.keys(types.get(s.type)?.fields ?? {}))));
  const known = (path: string) => {
    const [root, sub, field] = path.split(".");
    return root !== "measure" || sub !== "values" || field === undefined || values.has(field);
  };
  const unknownValue = (field: string) =>
    `the measures of ${doc.trigger.type === "event" ? doc.trigger.models.join(", ") : ""} have no value ${field.split(".")[2]} (they have ${[...values].sort().join(", ")})`;
  const check = (node: TRuleDocument["condition"], at: string) => {
    if (!node) return;
    for (const { path, field } of conditionFields(node))
      if (!known(field)) issues.push({ path: [at, ...path].join("."), message: unknownValue(field) });
  };
  check(doc.condition, "condition");
  doc.steps.forEach((step, i) => {
    check(step.when ?? null, `steps.${i}.when`);
    for (const t of checkTemplates(step.args, known))
      issues.push({
        path: [`steps.${i}.args`, t.path].filter(Boolean).join("."),
        message: `${t.template}: ${t.message.replace(/^unknown value (.*)$/, (_m, f) => unknownValue(f))}`,
      });
  });
  if (issues.length)
    throw AppError.badRequest(
      `the rule reads values its models' measures do not have: ${issues.map((i) => i.path).join(", ")}`,
      issues,
    );
}
