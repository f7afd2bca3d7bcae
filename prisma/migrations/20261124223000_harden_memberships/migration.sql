-- A tenant scope may enrol only accounts created in the same transaction (users.create
-- from a tenant). Before, it could insert a membership for any user id, and so become
-- the sole manager of an account that had lost its tenants and reset its password.
-- The profiles of existing members stay changeable, the rest goes through the platform.
CREATE FUNCTION user_created_in_this_transaction(uid uuid) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT EXISTS (
      SELECT 1 FROM users u
      WHERE u.id = uid AND NOT u.is_platform_admin AND u.xmin = pg_current_xact_id()::xid
    )
  $$;
REVOKE ALL ON FUNCTION user_created_in_this_transaction(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION user_created_in_this_transaction(uuid) TO iot_application;

DROP POLICY tenant_isolation ON "memberships";
CREATE POLICY platform_all ON "memberships" FOR ALL
  USING (current_setting('app.platform', true) = 'on')
  WITH CHECK (current_setting('app.platform', true) = 'on');
CREATE POLICY tenant_reads ON "memberships" FOR SELECT
  USING (tenant_id::text = current_setting('app.tenant_id', true));
CREATE POLICY tenant_changes_profiles ON "memberships" FOR UPDATE
  USING (tenant_id::text = current_setting('app.tenant_id', true))
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true));
CREATE POLICY tenant_removes ON "memberships" FOR DELETE
  USING (tenant_id::text = current_setting('app.tenant_id', true));
CREATE POLICY tenant_enrolls_new_accounts ON "memberships" FOR INSERT
  WITH CHECK (tenant_id::text = current_setting('app.tenant_id', true) AND user_created_in_this_transaction(user_id));
