-- CreateTable
CREATE TABLE "measure_types" (
    "name" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "labels" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "measure_types_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "device_models" (
    "model" TEXT NOT NULL,
    "measures" JSONB NOT NULL,
    "metadata_mappings" JSONB NOT NULL,
    "default_metadata" JSONB NOT NULL,
    "metadata_details" JSONB NOT NULL,
    "decoder" TEXT,
    "offline_after_seconds" INTEGER NOT NULL DEFAULT 3600,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "device_models_pkey" PRIMARY KEY ("model")
);

-- CreateTable
CREATE TABLE "asset_models" (
    "tenant_group" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "measures" JSONB NOT NULL,
    "metadata_mappings" JSONB NOT NULL,
    "default_metadata" JSONB NOT NULL,
    "metadata_details" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "asset_models_pkey" PRIMARY KEY ("tenant_group","model")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "tenant_id" UUID,
    "asset_id" UUID,
    "link_measures" JSONB NOT NULL DEFAULT '[]',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "measures" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assets" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "measures" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_history" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "actor" TEXT,

    CONSTRAINT "asset_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_groups" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "parent_id" UUID,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "asset_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_group_members" (
    "tenant_id" UUID NOT NULL,
    "group_id" UUID NOT NULL,
    "asset_id" UUID NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "asset_group_members_pkey" PRIMARY KEY ("group_id","asset_id")
);

-- CreateIndex
CREATE INDEX "devices_tenant_id_reference_id_idx" ON "devices"("tenant_id", "reference", "id");

-- CreateIndex
CREATE INDEX "devices_asset_id_idx" ON "devices"("asset_id");

-- CreateIndex
CREATE UNIQUE INDEX "devices_model_reference_key" ON "devices"("model", "reference");

-- CreateIndex
CREATE INDEX "assets_tenant_id_model_id_idx" ON "assets"("tenant_id", "model", "id");

-- CreateIndex
CREATE INDEX "assets_tenant_id_reference_id_idx" ON "assets"("tenant_id", "reference", "id");

-- CreateIndex
CREATE INDEX "assets_tenant_id_created_at_id_idx" ON "assets"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "assets_tenant_id_model_reference_key" ON "assets"("tenant_id", "model", "reference");

-- CreateIndex
CREATE INDEX "asset_history_tenant_id_asset_id_id_idx" ON "asset_history"("tenant_id", "asset_id", "id" DESC);

-- CreateIndex
CREATE INDEX "asset_groups_tenant_id_parent_id_idx" ON "asset_groups"("tenant_id", "parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "asset_groups_tenant_id_name_key" ON "asset_groups"("tenant_id", "name");

-- CreateIndex
CREATE INDEX "asset_group_members_tenant_id_asset_id_idx" ON "asset_group_members"("tenant_id", "asset_id");

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_history" ADD CONSTRAINT "asset_history_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_groups" ADD CONSTRAINT "asset_groups_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "asset_groups"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_group_members" ADD CONSTRAINT "asset_group_members_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "asset_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "asset_group_members" ADD CONSTRAINT "asset_group_members_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------
-- Hand-written: same-tenant guarantees, search indexes and row-level security.
-- ---------------------------------------------------------------------------------

-- A device can only be linked to an asset of its own tenant, and group members and
-- history rows only point within their tenant: enforced by the keys themselves.
CREATE UNIQUE INDEX "assets_tenant_id_id_key" ON "assets"("tenant_id", "id");
CREATE UNIQUE INDEX "asset_groups_tenant_id_id_key" ON "asset_groups"("tenant_id", "id");
ALTER TABLE "devices" ADD CONSTRAINT "devices_asset_same_tenant"
  FOREIGN KEY ("tenant_id", "asset_id") REFERENCES "assets"("tenant_id", "id") ON DELETE SET NULL ("asset_id");
ALTER TABLE "asset_group_members" ADD CONSTRAINT "asset_group_members_asset_same_tenant"
  FOREIGN KEY ("tenant_id", "asset_id") REFERENCES "assets"("tenant_id", "id") ON DELETE CASCADE;
ALTER TABLE "asset_group_members" ADD CONSTRAINT "asset_group_members_group_same_tenant"
  FOREIGN KEY ("tenant_id", "group_id") REFERENCES "asset_groups"("tenant_id", "id") ON DELETE CASCADE;
ALTER TABLE "asset_groups" ADD CONSTRAINT "asset_groups_parent_same_tenant"
  FOREIGN KEY ("tenant_id", "parent_id") REFERENCES "asset_groups"("tenant_id", "id") ON DELETE RESTRICT;
ALTER TABLE "asset_history" ADD CONSTRAINT "asset_history_asset_same_tenant"
  FOREIGN KEY ("tenant_id", "asset_id") REFERENCES "assets"("tenant_id", "id") ON DELETE CASCADE;

-- Sorting by last-seen pages on a never-NULL expression (see twins/filter.ts).
CREATE INDEX "assets_tenant_last_seen_idx" ON "assets"("tenant_id", (coalesce("last_seen_at", '-infinity'::timestamptz)), "id");
CREATE INDEX "devices_tenant_last_seen_idx" ON "devices"("tenant_id", (coalesce("last_seen_at", '-infinity'::timestamptz)), "id");

-- Search: equality on metadata fields through @> (GIN), substring on reference and
-- free text through trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "assets_metadata_idx" ON "assets" USING GIN ("metadata" jsonb_path_ops);
CREATE INDEX "assets_reference_trgm_idx" ON "assets" USING GIN ("reference" gin_trgm_ops);
CREATE INDEX "devices_metadata_idx" ON "devices" USING GIN ("metadata" jsonb_path_ops);
CREATE INDEX "devices_reference_trgm_idx" ON "devices" USING GIN ("reference" gin_trgm_ops);

-- Shared definitions: everyone reads them, only the platform writes them.
ALTER TABLE "measure_types" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "measure_types" FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON "measure_types" FOR SELECT USING (true);
CREATE POLICY platform_writes ON "measure_types" FOR ALL
  USING (current_setting('app.platform', true) = 'on') WITH CHECK (current_setting('app.platform', true) = 'on');

ALTER TABLE "device_models" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "device_models" FORCE ROW LEVEL SECURITY;
CREATE POLICY everyone_reads ON "device_models" FOR SELECT USING (true);
CREATE POLICY platform_writes ON "device_models" FOR ALL
  USING (current_setting('app.platform', true) = 'on') WITH CHECK (current_setting('app.platform', true) = 'on');

-- Asset models belong to a tenant group: a tenant reads those of its group.
ALTER TABLE "asset_models" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "asset_models" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_reads_its_group ON "asset_models" FOR SELECT
  USING (tenant_group = (SELECT t."group" FROM tenants t WHERE t.id::text = current_setting('app.tenant_id', true)));
CREATE POLICY platform_all ON "asset_models" FOR ALL
  USING (current_setting('app.platform', true) = 'on') WITH CHECK (current_setting('app.platform', true) = 'on');

-- Tenant-owned twins. A device with no tenant (an orphan of the catalog) matches no
-- tenant: only the platform sees it.
ALTER TABLE "devices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "devices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "devices"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

ALTER TABLE "assets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "assets" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "assets"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

ALTER TABLE "asset_history" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "asset_history" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "asset_history"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

ALTER TABLE "asset_groups" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "asset_groups" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "asset_groups"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

ALTER TABLE "asset_group_members" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "asset_group_members" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "asset_group_members"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

-- Twins go with their tenant: assets and groups are deleted with it. Devices return to
-- the catalog as orphans, which the twins module does before the tenant row goes. An
-- orphan is never linked to an asset.
ALTER TABLE "devices" ADD CONSTRAINT "devices_orphans_unlinked" CHECK ("tenant_id" IS NOT NULL OR "asset_id" IS NULL);
ALTER TABLE "assets" ADD CONSTRAINT "assets_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE;
ALTER TABLE "asset_groups" ADD CONSTRAINT "asset_groups_tenant_id_fkey"
  FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE;
