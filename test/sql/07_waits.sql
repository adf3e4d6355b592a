-- 07_waits: when a millisecond's sequence is used up the generator waits for the next
-- millisecond (it never reuses or runs ahead of the clock), and the wait can be
-- interrupted: statement_timeout cancels it and the session goes on.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
LOAD 'flakeid';

-- 63,0,0,0: no sequence bits, one ID per millisecond, and the ID is its milliseconds
-- since the epoch. 50 IDs need 50 different milliseconds, so at least 49 ms pass (45 ms
-- is asserted, for the reading of the clock before the first one).
SET flakeid.layout = '63,0,0,0';
SELECT clock_timestamp() AS started \gset
WITH ids AS (
  SELECT id, lag(id) OVER (ORDER BY ord) AS previous
  FROM flakeid_next_ids(50) WITH ORDINALITY AS t(id, ord)
)
SELECT count(*) AS ids,
       bool_and(previous IS NULL OR id > previous) AS strictly_increasing,
       count(DISTINCT (flakeid_decode(id)).timestamp_ms) AS milliseconds,
       max(id) - min(id) >= 49 AS spans_49_ms_or_more
FROM ids;
SELECT clock_timestamp() - :'started'::timestamptz >= interval '45 ms' AS waited;

-- The same one call at a time.
SELECT clock_timestamp() AS started \gset
DO $$
DECLARE
  previous bigint := flakeid_next();
  current_id bigint;
BEGIN
  FOR i IN 1..50 LOOP
    current_id := flakeid_next();
    IF current_id <= previous THEN
      RAISE EXCEPTION 'call %: % does not follow %', i, current_id, previous;
    END IF;
    previous := current_id;
  END LOOP;
END
$$;
SELECT clock_timestamp() - :'started'::timestamptz >= interval '45 ms' AS waited;

-- 62,0,0,1: two IDs per millisecond, never more.
SET flakeid.layout = '62,0,0,1';
WITH d AS (SELECT f.* FROM flakeid_next_ids(100) AS t(id), flakeid_decode(t.id) AS f)
SELECT count(*) AS ids, max(sequence) AS max_sequence,
       (SELECT max(c) FROM (SELECT count(*) AS c FROM d GROUP BY timestamp_ms) AS per_ms)
         AS most_in_one_ms,
       count(DISTINCT timestamp_ms) >= 50 AS at_least_50_ms
FROM d;

-- Waiting out a used-up millisecond is not a clock going back: no error even when no
-- step back is tolerated.
SET flakeid.clock_tolerance_ms = 0;
SET flakeid.layout = '63,0,0,0';
SELECT count(*) AS ids FROM flakeid_next_ids(20);
RESET flakeid.clock_tolerance_ms;

-- A long wait is cancelled by statement_timeout (100000 IDs at one per millisecond would
-- take 100 s) ...
SET flakeid.layout = '63,0,0,0';
SELECT flakeid_next() AS before_cancel \gset
SET statement_timeout = '200ms';
SELECT count(*) FROM flakeid_next_ids(100000);
\echo :LAST_ERROR_SQLSTATE
-- One call at a time, endlessly (where the cancel lands varies, so no context is shown).
SET statement_timeout = '200ms';
\set SHOW_CONTEXT never
DO $$ BEGIN LOOP PERFORM flakeid_next(); END LOOP; END $$;
\set SHOW_CONTEXT errors
RESET statement_timeout;
-- ... and the generator goes on at once, after everything it handed out before.
SELECT flakeid_next() AS after_cancel \gset
SELECT :after_cancel > :before_cancel AS increasing,
       abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS made_now
FROM flakeid_decode(:after_cancel);
RESET flakeid.layout;
SELECT flakeid_next() > 0 AS works;
