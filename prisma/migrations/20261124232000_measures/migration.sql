-- Measures: one table partitioned by month on measured_at, written only by the ingestion
-- function (packages/core/src/measures). Not declared in the Prisma schema: Prisma cannot
-- express partitioning, and every read and write here is raw SQL anyway.
--
-- The unique key (origin, name, measured_at, payload) makes ingestion idempotent: a
-- retried batch inserts nothing twice. payload_id is the empty string for measures that
-- came without a payload (API pushes).

CREATE SEQUENCE "measures_id_seq" AS bigint;

CREATE TABLE "measures" (
  "id" bigint NOT NULL DEFAULT nextval('measures_id_seq'),
  "tenant_id" uuid NOT NULL,
  "measured_at" timestamptz(3) NOT NULL,
  "received_at" timestamptz(3) NOT NULL DEFAULT now(),
  "type" text NOT NULL,
  "name" text NOT NULL,
  "values" jsonb NOT NULL,
  "asset_id" uuid,
  "slot" text,
  "origin_type" text NOT NULL,
  "origin_id" uuid NOT NULL,
  "payload_id" text NOT NULL DEFAULT '',
  CONSTRAINT "measures_origin_check" CHECK ("origin_type" IN ('device', 'api', 'computed')),
  CONSTRAINT "measures_idempotency_key" UNIQUE ("origin_id", "name", "measured_at", "payload_id")
) PARTITION BY RANGE ("measured_at");

ALTER SEQUENCE "measures_id_seq" OWNED BY "measures"."id";

-- per-twin time ranges, newest first, with a stable tie-break for paging
CREATE INDEX "measures_asset_time_idx" ON "measures" ("tenant_id", "asset_id", "measured_at", "id") WHERE "asset_id" IS NOT NULL;
CREATE INDEX "measures_origin_time_idx" ON "measures" ("tenant_id", "origin_id", "measured_at", "id");

ALTER TABLE "measures" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "measures" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "measures"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');

REVOKE ALL ON "measures" FROM iot_application;
GRANT SELECT, INSERT, DELETE ON "measures" TO iot_application;
GRANT USAGE ON SEQUENCE "measures_id_seq" TO iot_application;

-- Monthly partitions, created ahead by the worker and on demand for any month a batch
-- (a backfill) touches. The application role cannot create tables, so this runs as the
-- owner. A partition gets no grants of its own: it is reached only through the parent,
-- whose policy applies (each partition also carries the same policy, should grants ever
-- change). Runs of the same month at once are harmless (IF NOT EXISTS).
CREATE FUNCTION ensure_measure_partition(month_start date) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
DECLARE
  first_day date := date_trunc('month', month_start)::date;
  part text := format('measures_y%sm%s', to_char(first_day, 'YYYY'), to_char(first_day, 'MM'));
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN part;
  END IF;
  -- two sessions creating the same month at once would collide in the catalog
  PERFORM pg_advisory_xact_lock(hashtext('ensure_measure_partition'));
  IF to_regclass(part) IS NULL THEN
    -- made apart then attached: ATTACH takes a lock on measures that lets reads and inserts
    -- go on, where CREATE TABLE ... PARTITION OF would wait for every open reader (a long
    -- export) and queue all ingestion behind it
    EXECUTE format('CREATE TABLE %I (LIKE measures INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)', part);
    EXECUTE format('ALTER TABLE measures ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, first_day, (first_day + interval '1 month')::date);
    EXECUTE format('REVOKE ALL ON %I FROM iot_application', part);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', part);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', part);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
      WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')$p$, part);
  END IF;
  RETURN part;
END
$fn$;
REVOKE ALL ON FUNCTION ensure_measure_partition(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_measure_partition(date) TO iot_application;

SELECT ensure_measure_partition((date_trunc('month', now()) + make_interval(months => m))::date) FROM generate_series(-1, 2) AS m;
