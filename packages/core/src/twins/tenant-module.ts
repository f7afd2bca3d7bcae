import type { PlatformDb } from "@iot/db";
import { type TenantGroup, registerTenantModule } from "../tenancy/groups";
import { createAsset } from "./assets";
import { ZAssetModelSchema, writeAssetModel } from "./models";

// The Device Manager's part in tenant creation and deletion: the group's asset models and
// default assets on create; on delete, the tenant's devices return to the catalog as
// orphans (never deleted), and its assets, groups and history go with it.

/** Writes the asset models a group declares that are not stored yet (never overwrites edits). */
export async function ensureGroupAssetModels(platform: PlatformDb, group: TenantGroup): Promise<void> {
  for (const model of group.assetModels ?? []) {
    const key = { tenantGroup_model: { tenantGroup: group.name, model: model.model } };
    if (!(await platform.assetModel.findUnique({ where: key, select: { model: true } }))) {
      await writeAssetModel(platform, ZAssetModelSchema.parse({ ...model, tenantGroup: group.name }));
    }
  }
}

registerTenantModule({
  name: "twins",
  async onTenantCreate({ db, tenant, group, platformAccess }) {
    await platformAccess((platform) => ensureGroupAssetModels(platform, group));
    for (const asset of group.defaultAssets ?? []) {
      await createAsset(
        db,
        tenant.group,
        { model: asset.model, reference: asset.reference, metadata: asset.metadata ?? {} },
        "system",
      );
    }
  },
  async onTenantDelete({ tenant, platformAccess }) {
    // back to the catalog with the model's default metadata: nothing the tenant wrote or
    // measured goes to the next owner
    await platformAccess(
      (platform) => platform.$executeRaw`
        UPDATE devices d
        SET tenant_id = NULL, asset_id = NULL, link_measures = '[]', measures = '{}', last_seen_at = NULL,
            metadata = m.default_metadata, updated_at = now()
        FROM device_models m
        WHERE m.model = d.model AND d.tenant_id = ${tenant.id}::uuid`,
    );
  },
});
