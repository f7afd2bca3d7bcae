-- Retention: whole monthly partitions that end before the cutoff are dropped (when every
-- tenant lets them go), the rest is trimmed per tenant by the worker with DELETE. The
-- application role cannot drop tables: this runs as the owner and touches only
-- partitions of measures that end at or before the cutoff.
CREATE FUNCTION drop_measure_partitions_before(cutoff timestamptz) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $fn$
DECLARE
  part record;
  upper_bound timestamptz;
BEGIN
  FOR part IN
    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'measures'::regclass
  LOOP
    upper_bound := substring(part.bound FROM 'TO \(''([^'']+)''\)')::timestamptz;
    IF upper_bound IS NOT NULL AND upper_bound <= cutoff THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$fn$;
REVOKE ALL ON FUNCTION drop_measure_partitions_before(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION drop_measure_partitions_before(timestamptz) TO iot_application;
