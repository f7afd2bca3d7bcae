-- Raw payloads as devices and network servers posted them: the outbox of the webhook and
-- the payload log. tenant_id is the ingest key's tenant (null for a platform key: only
-- platform procedures see those). RECEIVED: stored and queued for the pipeline; VALID:
-- decoded and ingested; SKIP: the decoder declined it; ERROR: refused, with the reason;
-- FAILED: the pipeline gave up after its retries.
CREATE TABLE "payloads" (
  "id" uuid PRIMARY KEY,
  "tenant_id" uuid REFERENCES "tenants"("id") ON DELETE CASCADE,
  "api_key_id" uuid,
  "decoder" text NOT NULL,
  "device_model" text NOT NULL,
  "state" text NOT NULL,
  "reason" text,
  "body" jsonb NOT NULL,
  "received_at" timestamptz(3) NOT NULL DEFAULT now(),
  "queued_at" timestamptz(3),
  "processed_at" timestamptz(3),
  "devices" text[] NOT NULL DEFAULT '{}',
  "measures" integer NOT NULL DEFAULT 0,
  CONSTRAINT "payloads_state_check" CHECK ("state" IN ('RECEIVED', 'VALID', 'SKIP', 'ERROR', 'FAILED'))
);
CREATE INDEX "payloads_tenant_received_idx" ON "payloads" ("tenant_id", "received_at" DESC);
CREATE INDEX "payloads_unqueued_idx" ON "payloads" ("received_at") WHERE "state" = 'RECEIVED' AND "queued_at" IS NULL;

ALTER TABLE "payloads" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payloads" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payloads"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');
