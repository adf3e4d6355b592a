-- 09_time_range: flakeid_timestamp(), flakeid_min_id() and flakeid_max_id(): a time range
-- as a range of keys, for index range scans on the primary key and range partitions.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET flakeid.layout = 'twitter';

-- Worked by hand: 2026-01-01 00:00:00 UTC is 1767225600000 ms after 1970; minus the
-- default epoch 1577836800000 gives the timestamp field 189388800000. Under twitter the
-- field sits above 22 bits: min = 189388800000 * 2^22 = 794354201395200000, and max sets
-- the 22 low bits too: 794354201395200000 + 4194303 = 794354201399394303.
SELECT flakeid_min_id('2026-01-01 00:00:00+00') AS min_id,
       flakeid_max_id('2026-01-01 00:00:00+00') AS max_id;
-- A time inside the millisecond gives the same bounds.
SELECT flakeid_min_id('2026-01-01 00:00:00.000999+00') = 794354201395200000 AS same_ms;
-- The last millisecond of January: 1769903999999 - 1577836800000 = 192067199999;
-- max = 192067199999 * 2^22 + 4194303 = 805588225228799999.
SELECT flakeid_max_id('2026-01-31 23:59:59.999+00') AS max_jan;
-- The IMMUTABLE forms agree; minimal puts the field above 10 bits: 189388800000 * 1024 =
-- 193934131200000.
SELECT flakeid_min_id('2026-01-01 00:00:00+00', 'twitter') AS twitter_min,
       flakeid_min_id('2026-01-01 00:00:00+00', 'minimal') AS minimal_min,
       flakeid_max_id('2026-01-01 00:00:00+00', 'minimal') AS minimal_max;
-- flakeid_timestamp() is the time of an ID: the bounds give back their millisecond.
SELECT flakeid_timestamp(794354201395200000) AS of_min,
       flakeid_timestamp(805588225228799999) AS of_max_jan,
       flakeid_timestamp(193934131200000, 'minimal') AS minimal_form;
-- A new ID lies between the bounds of its own millisecond.
SELECT id BETWEEN flakeid_min_id(flakeid_timestamp(id)) AND flakeid_max_id(flakeid_timestamp(id))
         AS within_own_ms,
       abs(extract(epoch FROM flakeid_timestamp(id) - clock_timestamp())) < 1 AS made_now
FROM flakeid_next() AS id;
-- NULL in, NULL out.
SELECT flakeid_min_id(NULL) IS NULL AS min_null, flakeid_max_id(NULL, 'twitter') IS NULL AS max_null,
       flakeid_timestamp(NULL) IS NULL AS ts_null;

-- ---- index range scan on the primary key -----------------------------------------------
-- One row an hour from 2025-12-01 to 2026-02-28 (the hour's first ID); January has
-- 31 * 24 = 744 of them.
CREATE TABLE events (id bigint PRIMARY KEY, payload text);
INSERT INTO events
SELECT flakeid_min_id(t, 'twitter'), 'event at ' || t
FROM generate_series('2025-12-01 00:00:00+00'::timestamptz, '2026-02-28 23:00:00+00', '1 hour') AS t;
ANALYZE events;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM events
WHERE id BETWEEN flakeid_min_id('2026-01-01') AND flakeid_max_id('2026-01-31 23:59:59.999');
SELECT count(*) AS january_rows FROM events
WHERE id BETWEEN flakeid_min_id('2026-01-01') AND flakeid_max_id('2026-01-31 23:59:59.999');
RESET enable_seqscan;

-- ---- range partitions bounded by IDs, and pruning --------------------------------------
CREATE TABLE pevents (id bigint NOT NULL, payload text) PARTITION BY RANGE (id);
CREATE TABLE pevents_2025_12 PARTITION OF pevents FOR VALUES
  FROM (flakeid_min_id('2025-12-01', 'twitter')) TO (flakeid_min_id('2026-01-01', 'twitter'));
CREATE TABLE pevents_2026_01 PARTITION OF pevents FOR VALUES
  FROM (flakeid_min_id('2026-01-01', 'twitter')) TO (flakeid_min_id('2026-02-01', 'twitter'));
CREATE TABLE pevents_2026_02 PARTITION OF pevents FOR VALUES
  FROM (flakeid_min_id('2026-02-01', 'twitter')) TO (flakeid_min_id('2026-03-01', 'twitter'));
INSERT INTO pevents SELECT * FROM events;
SELECT tableoid::regclass AS partition, count(*) FROM pevents GROUP BY 1 ORDER BY 1;
-- IMMUTABLE bounds are folded at plan time: only January's partition is planned.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM pevents
WHERE id BETWEEN flakeid_min_id('2026-01-05', 'twitter') AND flakeid_max_id('2026-01-06', 'twitter');
-- STABLE bounds (the session's layout) are pruned when the executor starts.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM pevents
WHERE id BETWEEN flakeid_min_id('2026-01-05') AND flakeid_max_id('2026-01-06');
-- Jan 5 00:00 .. Jan 6 00:00:00.000 inclusive: 25 hourly rows.
SELECT count(*) AS jan_5_rows FROM pevents
WHERE id BETWEEN flakeid_min_id('2026-01-05') AND flakeid_max_id('2026-01-06');

-- ---- times outside the layout ---------------------------------------------------------
SELECT flakeid_min_id('2019-12-31 23:59:59.999+00');
\echo :LAST_ERROR_SQLSTATE
-- twitter's range ends at 2089-09-06 15:47:35.551 UTC.
SELECT flakeid_max_id('2089-09-06 15:47:35.551+00') = 9223372036854775807 AS last_id_of_range;
SELECT flakeid_max_id('2089-09-06 15:47:35.552+00');
\echo :LAST_ERROR_SQLSTATE
SELECT flakeid_min_id('2026-01-01', 'bogus');
\echo :LAST_ERROR_SQLSTATE
SELECT flakeid_timestamp(-1);
\echo :LAST_ERROR_SQLSTATE

-- ---- infinity is no time an ID can carry ------------------------------------------------
-- 'infinity' and '-infinity' are errors (22008) for every layout, in the STABLE and the
-- IMMUTABLE forms. From 54 timestamp bits on, the value PostgreSQL stores for 'infinity'
-- read as milliseconds would fit the field and give a finite ID.
SELECT flakeid_min_id('infinity', '54,0,0,9', 0);
\echo :LAST_ERROR_SQLSTATE
CREATE FUNCTION pg_temp.sqlstate_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
SELECT t AS timestamp_bits, f AS function, ts,
       pg_temp.sqlstate_of(format('SELECT %s(%L, %L, 0)', f, ts, t || ',0,0,' || (63 - t)))
         AS immutable_form,
       pg_temp.sqlstate_of(format('SELECT set_config(''flakeid.layout'', %L, true), '
                                  'set_config(''flakeid.epoch'', ''0'', true), %s(%L)',
                                  t || ',0,0,' || (63 - t), f, ts)) AS stable_form
FROM unnest(ARRAY[41, 53, 54, 63]) AS t,
     unnest(ARRAY['flakeid_min_id', 'flakeid_max_id']) AS f,
     unnest(ARRAY['infinity', '-infinity']) AS ts
ORDER BY 1, 2, 3;
-- A finite time in the same layouts still gives an ID.
SELECT flakeid_max_id('2026-01-01 00:00:00+00', '63,0,0,0', 0) AS t63_max,
       flakeid_min_id('2026-01-01 00:00:00+00', '54,0,0,9', 0) AS t54_min;

DROP TABLE pevents, events;
RESET flakeid.layout;
