-- The time of the last event a (rule, twin) state took in: an older event, from an
-- evaluation job that ran late beside a newer one, is ignored instead of breaking the
-- stretch the newer ones began.
ALTER TABLE "rule_states" ADD COLUMN "last_at" timestamptz(3);
