import { registerTenantModule } from "../tenancy/groups";
import { createDashboard } from "./store";

// A tenant group's template dashboards are copied into each new tenant of the group;
// deleting a tenant deletes its dashboards.
registerTenantModule({
  name: "dashboards",
  async onTenantCreate({ db, group }) {
    for (const d of group.defaultDashboards ?? [])
      await createDashboard(db, d, { group: group.name, ownerId: null, fromTemplate: d.title });
  },
  async onTenantDelete({ db }) {
    await db.$executeRaw`DELETE FROM dashboards WHERE tenant_id = ${db.tenantId}::uuid`;
  },
});
