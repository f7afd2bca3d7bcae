-- The System page's ingest rate counts payloads by minute over the last quarter hour: a
-- BRIN index on their arrival time (rows arrive in that order) keeps that a small read
-- whatever the size of the payload log.
CREATE INDEX "payloads_received_brin" ON "payloads" USING brin ("received_at");

-- Its backlog counts the payloads stored and not yet processed: few at any time, indexed apart.
CREATE INDEX "payloads_backlog_idx" ON "payloads" ("received_at") WHERE "state" = 'RECEIVED';
