import { registerTenantModule } from "../tenancy/groups";
import { createAsset } from "./assets";
import { ZAssetModelSchema, writeAssetModel } from "./models";

// The Device Manager's part in tenant creation and deletion: the group's asset models and
// default assets on create; on delete, the tenant's devices return to the catalog as
// orphans (never deleted), and its assets, groups and history go with it.
registerTenantModule({
  name: "twins",
  async onTenantCreate({ db, tenant, group, platformAccess }) {
    await platformAccess(async (platform) => {
      for (const model of group.assetModels ?? []) {
        const exists = await platform.assetModel.findUnique({
          where: { tenantGroup_model: { tenantGroup: group.name, model: model.model } },
          select: { model: true },
        });
        if (!exists) await writeAssetModel(platform, ZAssetModelSchema.parse({ ...model, tenantGroup: group.name }));
      }
    });
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
    await platformAccess((platform) =>
      platform.device.updateMany({ where: { tenantId: tenant.id }, data: { tenantId: null, assetId: null, linkMeasures: [] } }),
    );
  },
});
