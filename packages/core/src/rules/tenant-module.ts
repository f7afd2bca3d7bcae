import { registerTenantModule } from "../tenancy/groups";
import { createRule } from "./store";

// A tenant group's default rules are copied into each new tenant of the group (owned by
// nobody until someone saves them: a callApi step needs an owner). Deleting a tenant
// deletes its rules, runs, states, alerts and notifications (the foreign keys cascade; done
// here explicitly so it happens inside the deletion's transaction, whatever the order).
registerTenantModule({
  name: "rules",
  async onTenantCreate({ db, group }) {
    for (const rule of group.defaultRules ?? [])
      await createRule(db, rule, { ownerId: null, group: group.name, fromDefault: rule.name });
  },
  async onTenantDelete({ db }) {
    await db.$executeRaw`DELETE FROM notifications WHERE tenant_id = ${db.tenantId}::uuid`;
    await db.$executeRaw`DELETE FROM alerts WHERE tenant_id = ${db.tenantId}::uuid`;
    await db.$executeRaw`DELETE FROM rules WHERE tenant_id = ${db.tenantId}::uuid`;
  },
});
