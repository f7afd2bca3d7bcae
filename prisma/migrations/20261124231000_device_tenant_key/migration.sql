-- A device attached while its tenant is being deleted must not keep a dangling tenant id.
-- The twins module orphans the devices of a tenant before the tenant row goes, so this
-- only ever applies to such a race.
ALTER TABLE "devices" ADD CONSTRAINT "devices_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE SET NULL;
