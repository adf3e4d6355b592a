-- 01_basic: flakeid_next() and flakeid_next_ids() under the default layout (minimal:
-- 53 timestamp bits, no node bits, 10 sequence bits), STRICT handling of NULL, and IDs
-- as a column DEFAULT. IDs depend on the clock, so only facts about them are printed.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- One ID: a positive bigint.
SELECT pg_typeof(flakeid_next()) AS type, flakeid_next() > 0 AS positive;

-- The default layout and epoch. (The library is loaded by the first call above; the
-- settings exist in a session from then on.)
SHOW flakeid.layout;
SHOW flakeid.epoch;

-- Consecutive calls in one session strictly increase.
SELECT flakeid_next() AS first_id \gset
SELECT flakeid_next() AS second_id \gset
SELECT :first_id < :second_id AS increasing;

-- ... and keep doing so over many calls: 1024 per millisecond, then the generator waits
-- for the next one. The block raises an exception at the first step that does not increase.
DO $$
DECLARE
  previous bigint := flakeid_next();
  current_id bigint;
BEGIN
  FOR i IN 1..20000 LOOP
    current_id := flakeid_next();
    IF current_id <= previous THEN
      RAISE EXCEPTION 'call %: % does not follow %', i, current_id, previous;
    END IF;
    previous := current_id;
  END LOOP;
END
$$;

-- flakeid_next_ids(n): exactly n rows; 0 gives no rows.
SELECT n, (SELECT count(*) FROM flakeid_next_ids(n)) AS rows
FROM (VALUES (0), (1), (2), (1023), (1024), (1025), (5000)) AS v(n);

-- Strictly increasing in the order they are returned, all distinct, all positive; 5000
-- needs at least five milliseconds of the minimal layout's 1024 IDs each.
WITH ids AS (
  SELECT id, ord, lag(id) OVER (ORDER BY ord) AS previous
  FROM flakeid_next_ids(5000) WITH ORDINALITY AS t(id, ord)
)
SELECT count(*) AS ids,
       count(DISTINCT id) AS distinct_ids,
       bool_and(id > 0) AS all_positive,
       bool_and(previous IS NULL OR id > previous) AS strictly_increasing,
       count(DISTINCT (flakeid_decode(id)).timestamp_ms) >= 5 AS spans_five_ms_or_more
FROM ids;

-- A batch follows the IDs handed out before it, and precedes those handed out after it.
SELECT flakeid_next() AS before_batch \gset
SELECT min(id) AS batch_min, max(id) AS batch_max FROM flakeid_next_ids(100) AS t(id) \gset
SELECT flakeid_next() AS after_batch \gset
SELECT :before_batch < :batch_min AS batch_after_earlier_id,
       :batch_max < :after_batch AS batch_before_later_id;

-- STRICT: a NULL argument gives NULL (or no rows), never an error.
SELECT count(*) AS rows_for_null_count FROM flakeid_next_ids(NULL);
SELECT flakeid_decode(NULL) IS NULL AS decode_null;
SELECT * FROM flakeid_decode(NULL);
SELECT * FROM flakeid_decode(1, NULL);
SELECT * FROM flakeid_decode(1, 'twitter', NULL);

-- A freshly made ID taken apart: itself as raw, made just now, no node bits under minimal,
-- a sequence below 2^10. (Times are compared, never printed.)
SELECT flakeid_next() AS fresh \gset
SELECT raw = :fresh AS raw_is_id,
       abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS made_within_1s,
       timestamp_ms = (extract(epoch FROM generated_at) * 1000)::bigint AS ms_matches_timestamptz,
       datacenter_id, machine_id,
       sequence BETWEEN 0 AND 1023 AS sequence_in_range
FROM flakeid_decode(:fresh);

-- As a column DEFAULT: 10000 rows in one INSERT ... SELECT.
CREATE TABLE orders (
  id bigint PRIMARY KEY DEFAULT flakeid_next(),
  n integer NOT NULL
);
INSERT INTO orders (n) SELECT g FROM generate_series(1, 10000) AS g;

-- Every row got its own ID (the primary key would have refused a duplicate), in the order
-- the rows were inserted.
WITH o AS (SELECT id, n, lag(id) OVER (ORDER BY n) AS previous FROM orders)
SELECT count(*) AS rows,
       count(DISTINCT id) AS distinct_ids,
       bool_and(previous IS NULL OR id > previous) AS ids_follow_insert_order
FROM o;

-- The decoded rows: made within the last second, node ids 0, at most 1024 per millisecond,
-- and ordering by ID is ordering by time.
WITH d AS (SELECT o.n, f.* FROM orders AS o, flakeid_decode(o.id) AS f)
SELECT count(*) AS rows,
       bool_and(abs(extract(epoch FROM generated_at - clock_timestamp())) < 1) AS made_within_1s,
       bool_and(datacenter_id = 0 AND machine_id = 0) AS node_ids_zero,
       max(sequence) < 1024 AS sequences_fit,
       (SELECT max(c) FROM (SELECT count(*) AS c FROM d GROUP BY timestamp_ms) AS per_ms) <= 1024
         AS at_most_1024_per_ms
FROM d;

WITH d AS (SELECT f.timestamp_ms, f.raw,
                  lag(f.timestamp_ms) OVER (ORDER BY f.raw) AS previous_ms
           FROM orders AS o, flakeid_decode(o.id) AS f)
SELECT bool_and(previous_ms IS NULL OR timestamp_ms >= previous_ms) AS time_ordered
FROM d;

-- A row inserted later gets a greater ID.
INSERT INTO orders (n) VALUES (10001);
SELECT (SELECT id FROM orders WHERE n = 10001) = (SELECT max(id) FROM orders) AS latest_is_max;

DROP TABLE orders;
