-- Twins are updated with every measure batch (their last measures). Leaving room in each
-- page lets those updates be HOT (the new row version in the same page, no index entry):
-- without it every update writes to every index of the table, the GIN ones included, and
-- the dead versions pile up in the (model, reference) index the pipeline looks devices
-- up by. last_seen_at, which is indexed, moves at most every 30 s for the same reason.
ALTER TABLE "devices" SET (fillfactor = 70);
ALTER TABLE "assets" SET (fillfactor = 70);
