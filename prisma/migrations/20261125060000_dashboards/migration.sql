-- Dashboards: tenant documents edited in the console. widgets holds each widget with its
-- type, settings and grid places (wide and small screens); variables are the pickers
-- widgets refer to; view_profiles / edit_profiles narrow who may see or change it (empty:
-- everyone with dashboards:read / dashboards:write). asset_model binds it to an asset
-- model: every asset of that model shows it, with the asset as its variable.
CREATE TABLE "dashboards" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "title" text NOT NULL,
  "description" text NOT NULL DEFAULT '',
  "icon" text NOT NULL DEFAULT 'layout-dashboard',
  "widgets" jsonb NOT NULL DEFAULT '[]',
  "variables" jsonb NOT NULL DEFAULT '[]',
  "time_range" jsonb NOT NULL,
  "refresh" jsonb NOT NULL,
  "view_profiles" text[] NOT NULL DEFAULT '{}',
  "edit_profiles" text[] NOT NULL DEFAULT '{}',
  "asset_model" text,
  "from_template" text,
  "owner_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
  "version" integer NOT NULL DEFAULT 1,
  "created_at" timestamptz(3) NOT NULL DEFAULT now(),
  "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT "dashboards_tenant_title_key" UNIQUE ("tenant_id", "title")
);
CREATE INDEX "dashboards_model_idx" ON "dashboards" ("tenant_id", "asset_model") WHERE "asset_model" IS NOT NULL;

ALTER TABLE "dashboards" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "dashboards" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "dashboards"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');
