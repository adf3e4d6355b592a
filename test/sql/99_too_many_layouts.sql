-- 99_too_many_layouts: the server keeps one shared state per (layout, epoch) pair in use,
-- in a table of 64 slots that lasts until the server restarts. A new pair past that is
-- refused (FL007); pairs already in use, and decoding, go on working.
--
-- This test fills the table for the rest of the server's life, so it must run last.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
LOAD 'flakeid';
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS in_use_before;

-- Earlier tests have used some slots already; at most 64 new pairs fill the rest.
CREATE FUNCTION pg_temp.fill_state_table() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..64 LOOP
    PERFORM set_config('flakeid.epoch', (1577836800000 + i)::text, true);
    BEGIN
      PERFORM flakeid_next();
    EXCEPTION WHEN SQLSTATE 'FL007' THEN
      RETURN 'full';
    END;
  END LOOP;
  RETURN 'not full after 64 new pairs';
END
$$;
BEGIN;
SELECT pg_temp.fill_state_table();
COMMIT;

-- A new pair is refused, with the limit in the detail.
SET flakeid.epoch = '2021-01-01 00:00:00Z';
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM flakeid_next_ids(3);
-- Decoding and capacity need no slot.
SELECT generated_at FROM flakeid_decode(4194463749);
SELECT layout, epoch FROM flakeid_capacity();
-- The pair used before still works.
RESET flakeid.epoch;
SELECT flakeid_next() > 0 AS in_use_after;
RESET flakeid.layout;
SELECT flakeid_next() > 0 AS default_still_works;
