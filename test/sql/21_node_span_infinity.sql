-- 12_node_span_infinity: an infinite interval has no width in IDs. PostgreSQL 17 and later
-- have 'infinity'::interval and flakeid_span() refuses it (FL014, expected/
-- 12_node_span_infinity.out); 15 and 16 do not accept the literal at all (22007,
-- expected/12_node_span_infinity_1.out).
SET flakeid.layout = 'twitter';
CREATE FUNCTION pg_temp.try(statement text, OUT state text, OUT message text,
                            OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE statement;
  state := 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;
SELECT * FROM pg_temp.try($$SELECT flakeid_span('infinity')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('-infinity', 'minimal')$$);
