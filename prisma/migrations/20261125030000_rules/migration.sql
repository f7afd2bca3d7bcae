-- The rules engine and the scheduler, all tenant documents under row-level security.
--
-- rules: trigger (an event, with the models it concerns, or a schedule), a condition in
-- the rules' condition language, "holds for" seconds (debounce), and ordered steps
-- { task, args, when? }. trigger_event and models are the trigger's index keys: the
-- engine loads a tenant's enabled rules by event and model, never all of them.
CREATE TABLE "rules" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "name" text NOT NULL,
  "description" text NOT NULL DEFAULT '',
  "enabled" boolean NOT NULL DEFAULT false,
  "trigger" jsonb NOT NULL,
  "trigger_event" text NOT NULL,
  "models" text[] NOT NULL DEFAULT '{}',
  "condition" jsonb,
  "holds_for_seconds" integer NOT NULL DEFAULT 0,
  "auto_clear" boolean NOT NULL DEFAULT false,
  "steps" jsonb NOT NULL,
  "owner_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
  "from_default" text,
  "version" integer NOT NULL DEFAULT 1,
  "created_at" timestamptz(3) NOT NULL DEFAULT now(),
  "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT "rules_tenant_name_key" UNIQUE ("tenant_id", "name")
);
CREATE INDEX "rules_trigger_idx" ON "rules" ("tenant_id", "trigger_event") WHERE "enabled";

-- One run per (rule, trigger event): the event key makes evaluation idempotent.
-- status: queued, running, succeeded, failed. steps: [{ task, input, output?, error?,
-- durationMs, skipped? }]; trace: the condition's evaluation, node by node.
CREATE TABLE "rule_runs" (
  "id" uuid PRIMARY KEY,
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "rule_id" uuid NOT NULL REFERENCES "rules"("id") ON DELETE CASCADE,
  "rule_version" integer NOT NULL,
  "event" text NOT NULL,
  "event_key" text NOT NULL,
  "twin_key" text,
  "trigger" jsonb NOT NULL,
  "trace" jsonb,
  "status" text NOT NULL DEFAULT 'queued',
  "steps" jsonb NOT NULL DEFAULT '[]',
  "error" text,
  "attempts" integer NOT NULL DEFAULT 0,
  "created_at" timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  "started_at" timestamptz(3),
  "finished_at" timestamptz(3),
  CONSTRAINT "rule_runs_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
  CONSTRAINT "rule_runs_event_key" UNIQUE ("rule_id", "event_key")
);
CREATE INDEX "rule_runs_tenant_idx" ON "rule_runs" ("tenant_id", "created_at" DESC);
CREATE INDEX "rule_runs_rule_idx" ON "rule_runs" ("rule_id", "created_at" DESC);

-- Per (rule, twin): since when the condition holds (debounce), whether the rule fired for
-- this stretch, the twin's previous trigger payload (geofence enter / exit) and the last
-- one that held (what a holds-for check fires with when no newer event came).
CREATE TABLE "rule_states" (
  "rule_id" uuid NOT NULL REFERENCES "rules"("id") ON DELETE CASCADE,
  "twin_key" text NOT NULL,
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "holding_since" timestamptz(3),
  "fired" boolean NOT NULL DEFAULT false,
  "previous" jsonb,
  "last_payload" jsonb,
  "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("rule_id", "twin_key")
);

-- Alerts raised by rules on an asset or a device; one open (active or acknowledged) alert
-- per (rule, twin).
CREATE TABLE "alerts" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "rule_id" uuid REFERENCES "rules"("id") ON DELETE SET NULL,
  "rule_name" text NOT NULL,
  "twin_kind" text NOT NULL,
  "twin_id" uuid NOT NULL,
  "twin_model" text NOT NULL,
  "twin_reference" text NOT NULL,
  "severity" text NOT NULL,
  "message" text NOT NULL,
  "status" text NOT NULL DEFAULT 'active',
  "auto_clear" boolean NOT NULL DEFAULT false,
  "details" jsonb NOT NULL DEFAULT '{}',
  "run_id" uuid,
  "raised_at" timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
  "acknowledged_at" timestamptz(3),
  "acknowledged_by" text,
  "cleared_at" timestamptz(3),
  "cleared_by" text,
  CONSTRAINT "alerts_status_check" CHECK ("status" IN ('active', 'acknowledged', 'cleared')),
  CONSTRAINT "alerts_severity_check" CHECK ("severity" IN ('info', 'warning', 'critical')),
  CONSTRAINT "alerts_twin_kind_check" CHECK ("twin_kind" IN ('asset', 'device'))
);
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts" ("rule_id", "twin_id") WHERE "status" <> 'cleared';
CREATE INDEX "alerts_tenant_idx" ON "alerts" ("tenant_id", "status", "raised_at" DESC);
CREATE INDEX "alerts_twin_idx" ON "alerts" ("twin_id", "raised_at" DESC);

-- In-app notifications from the notify task; user_id null: for every member.
CREATE TABLE "notifications" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "user_id" uuid REFERENCES "users"("id") ON DELETE CASCADE,
  "rule_id" uuid REFERENCES "rules"("id") ON DELETE SET NULL,
  "title" text NOT NULL,
  "body" text NOT NULL DEFAULT '',
  "level" text NOT NULL DEFAULT 'info',
  "created_at" timestamptz(3) NOT NULL DEFAULT now(),
  "read_at" timestamptz(3)
);
CREATE INDEX "notifications_tenant_idx" ON "notifications" ("tenant_id", "created_at" DESC);

-- Schedules: a cron (with its timezone) or an interval, and an action (run a rule, or an
-- API call with the owner's permissions). The database is the truth; the worker keeps one
-- BullMQ job scheduler per enabled schedule in step with it.
CREATE TABLE "schedules" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "name" text NOT NULL,
  "description" text NOT NULL DEFAULT '',
  "enabled" boolean NOT NULL DEFAULT true,
  "cron" text,
  "timezone" text NOT NULL DEFAULT 'UTC',
  "every_seconds" integer,
  "action" jsonb NOT NULL,
  "owner_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
  "from_default" text,
  "version" integer NOT NULL DEFAULT 1,
  "last_run_at" timestamptz(3),
  "last_status" text,
  "last_result" jsonb,
  "last_error" text,
  "created_at" timestamptz(3) NOT NULL DEFAULT now(),
  "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT "schedules_tenant_name_key" UNIQUE ("tenant_id", "name"),
  CONSTRAINT "schedules_when_check" CHECK (("cron" IS NULL) <> ("every_seconds" IS NULL))
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['rules', 'rule_runs', 'rule_states', 'alerts', 'notifications', 'schedules'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
      WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')$p$, t);
  END LOOP;
END $$;
