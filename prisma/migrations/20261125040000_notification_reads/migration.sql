-- Who has read which notification: a notification for every member (user_id null) is read
-- by each of them separately.
CREATE TABLE "notification_reads" (
  "notification_id" uuid NOT NULL REFERENCES "notifications"("id") ON DELETE CASCADE,
  "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
  "tenant_id" uuid NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "read_at" timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY ("notification_id", "user_id")
);
ALTER TABLE "notifications" DROP COLUMN "read_at";

ALTER TABLE "notification_reads" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification_reads" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "notification_reads"
  USING (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on')
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) OR current_setting('app.platform', true) = 'on');
