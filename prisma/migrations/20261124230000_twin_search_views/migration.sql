-- Twin search that uses its indexes.
--
-- Under row-level security Postgres refuses to evaluate a condition before the policy
-- unless its function is LEAKPROOF, and the operators search needs (jsonb @>, ILIKE,
-- the jsonb to text cast) are not. So every search on assets or devices was a full scan
-- of the table, about 80 ms at 100k assets per tenant.
--
-- Searches read these views instead. A view runs with its owner rights (the owner role
-- bypasses RLS) and applies the very same tenant predicate as the policies in its WHERE
-- clause, so with no tenant set it shows nothing and with tenant A only the rows of A.
-- The filters the application puts on top are generated and parameterised (twins/filter.ts)
-- and cannot raise errors on row data, so letting the planner push them into index scans
-- exposes nothing. The views are read-only for the application, and the tables keep their
-- policies for every other read and for all writes.

CREATE INDEX "assets_model_trgm_idx" ON "assets" USING GIN ("model" gin_trgm_ops);
CREATE INDEX "assets_metadata_text_trgm_idx" ON "assets" USING GIN (("metadata"::text) gin_trgm_ops);
CREATE INDEX "devices_model_trgm_idx" ON "devices" USING GIN ("model" gin_trgm_ops);
CREATE INDEX "devices_metadata_text_trgm_idx" ON "devices" USING GIN (("metadata"::text) gin_trgm_ops);

CREATE VIEW "assets_search" AS
  SELECT * FROM "assets"
  WHERE tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on';

CREATE VIEW "devices_search" AS
  SELECT * FROM "devices"
  WHERE tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on';

REVOKE ALL ON "assets_search", "devices_search" FROM iot_application;
GRANT SELECT ON "assets_search", "devices_search" TO iot_application;
