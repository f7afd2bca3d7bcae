import { registerTenantModule } from "./groups";

// The tenancy module's own per-tenant resource: the tenant's settings row, with the
// group's defaults. Other modules register alongside in the same way.
registerTenantModule({
  name: "tenant-settings",
  async onTenantCreate({ db, tenant, group }) {
    await db.tenantSettings.create({
      data: {
        tenantId: tenant.id,
        assetHistory: group.settings?.assetHistory ?? false,
        locale: group.settings?.locale ?? "en",
        timezone: group.settings?.timezone ?? "UTC",
        retentionDays: group.settings?.retentionDays ?? null,
      },
    });
  },
  async onTenantDelete({ db, tenant }) {
    await db.tenantSettings.deleteMany({ where: { tenantId: tenant.id } });
  },
});
