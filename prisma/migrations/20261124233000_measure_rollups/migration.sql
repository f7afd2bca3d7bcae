-- Hourly and daily rollups of measures, maintained by the ingestion function in the same
-- statement as the insert (only rows really inserted count, so a retried batch changes
-- nothing). Long bucketed queries read these instead of the raw rows.
-- twin_id/key: the device and its measure name, and, for measures that feed an asset,
-- the asset and its slot as well. stats: per numeric value field min, max, sum, count.

CREATE TABLE "measure_rollups" (
  "tenant_id" uuid NOT NULL,
  "twin_id" uuid NOT NULL,
  "key" text NOT NULL,
  "type" text NOT NULL,
  "granularity" text NOT NULL,
  "bucket_start" timestamptz NOT NULL,
  "count" integer NOT NULL,
  "stats" jsonb NOT NULL,
  "last_at" timestamptz NOT NULL,
  "last_values" jsonb NOT NULL,
  CONSTRAINT "measure_rollups_granularity_check" CHECK ("granularity" IN ('hour', 'day')),
  CONSTRAINT "measure_rollups_pkey" PRIMARY KEY ("twin_id", "key", "granularity", "bucket_start")
);
CREATE INDEX "measure_rollups_tenant_idx" ON "measure_rollups" ("tenant_id", "granularity", "bucket_start");

ALTER TABLE "measure_rollups" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "measure_rollups" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "measure_rollups"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

-- Two stats documents merged field by field (min of mins, max of maxes, sums added).
CREATE FUNCTION merge_rollup_stats(a jsonb, b jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT coalesce(jsonb_object_agg(k, jsonb_build_object(
           'min', least((a -> k ->> 'min')::float8, (b -> k ->> 'min')::float8),
           'max', greatest((a -> k ->> 'max')::float8, (b -> k ->> 'max')::float8),
           'sum', coalesce((a -> k ->> 'sum')::float8, 0) + coalesce((b -> k ->> 'sum')::float8, 0),
           'count', coalesce((a -> k ->> 'count')::int, 0) + coalesce((b -> k ->> 'count')::int, 0))), '{}'::jsonb)
  FROM (SELECT jsonb_object_keys(coalesce(a, '{}')) UNION SELECT jsonb_object_keys(coalesce(b, '{}'))) AS keys(k)
$fn$;
GRANT EXECUTE ON FUNCTION merge_rollup_stats(jsonb, jsonb) TO iot_application;
