import { registerTenantModule } from "../tenancy/groups";
import { createSchedule } from "./store";

// A tenant group's default schedules are created in each new tenant of the group, owned
// by nobody until someone saves them (an API call needs an owner's permissions), marked
// with their name as `from_default`. The worker's periodic reconcile makes their job
// schedulers. Deleting a tenant deletes its schedules (the foreign key cascades too; done
// here so it happens inside the deletion's transaction).
registerTenantModule({
  name: "schedules",
  async onTenantCreate({ db, group }) {
    for (const schedule of group.defaultSchedules ?? []) await createSchedule(db, schedule, null, schedule.name);
  },
  async onTenantDelete({ db }) {
    await db.$executeRaw`DELETE FROM schedules WHERE tenant_id = ${db.tenantId}::uuid`;
  },
});
