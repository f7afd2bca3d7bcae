-- What a processed payload produced, so a replay finds it without scanning the measures:
-- the time range of its measures (with its devices, an index range on the measures key)
-- and when it was last replayed.
ALTER TABLE "payloads" ADD COLUMN "measured_from" timestamptz(3);
ALTER TABLE "payloads" ADD COLUMN "measured_to" timestamptz(3);
ALTER TABLE "payloads" ADD COLUMN "replayed_at" timestamptz(3);
ALTER TABLE "payloads" ADD COLUMN "replays" integer NOT NULL DEFAULT 0;
