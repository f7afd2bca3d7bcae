-- Readiness (/readyz) checks that every migration a process ships is applied: the
-- application role may read which migrations are, and nothing else of that table.
GRANT SELECT (migration_name, finished_at, rolled_back_at) ON TABLE "_prisma_migrations" TO iot_application;

-- The id of the webhook request that brought a payload (the caller's x-request-id, or one
-- the webhook made): logged by the webhook and by the worker as it processes the payload,
-- so one payload is followed end to end, even when the sweeper queues it again later.
ALTER TABLE "payloads" ADD COLUMN "request_id" text;
