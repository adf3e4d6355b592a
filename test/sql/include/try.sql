-- try(statement): runs it; state 'ok' when it succeeds, else the SQLSTATE, message, detail
-- and hint of its error. The regress files that check refusals load it with
-- \i test/sql/include/try.sql (pg_regress runs psql at the top of the tree).
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
