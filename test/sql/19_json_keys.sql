-- 19_json_keys: keys that stay exact in JSON and JavaScript (issue 24).
--   1. flakeid_capacity().js_unsafe_from: the first moment at which a layout's IDs can
--      reach 2^53 (JavaScript's Number.MAX_SAFE_INTEGER is 2^53 - 1), against values worked
--      out by hand, and the js_safe preset;
--   2. the flakeid type: bigint's storage and text, a JSON string where bigint is a JSON
--      number, comparison operators and operator classes of its own over bigint's
--      functions (index scans, partition pruning; no decoy can shadow them: test/t/080).
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- ---- 1. when a layout's IDs reach 2^53 -------------------------------------------------
-- The IDs of millisecond t (after the epoch) run from t << shift to ((t + 1) << shift) - 1,
-- shift = D + M + S: they stay below 2^53 while t < 2^(53 - shift). By hand, from the
-- default epoch 2020-01-01 00:00:00 UTC:
--   minimal (53,0,0,10), shift 10: 2^43 ms = 8 796 093 022 208 ms = 101 806 days
--     + 54 622 208 ms (15:10:22.208)          -> 2298-09-26 15:10:22.208
--   twitter (41,5,5,12), shift 22: 2^31 ms = 2 147 483 648 ms = 24 days
--     + 73 883 648 ms (20:31:23.648)          -> 2020-01-25 20:31:23.648
--   js_safe (51,0,6,6), shift 12: 2^41 ms = 2 199 023 255 552 ms = 25 451 days
--     + 56 855 552 ms (15:47:35.552)          -> 2089-09-06 15:47:35.552, one ms after
--     twitter's range ends (epoch + 2^41 - 1 ms): js_safe's IDs stay exact as long as
--     twitter's last.
CREATE FUNCTION pg_temp.js_limit(OUT layout text, OUT js_unsafe_from timestamptz,
    OUT first_unsafe_id bigint, OUT last_safe_id bigint, OUT years_exact numeric)
LANGUAGE sql AS $$
  SELECT c.layout, c.js_unsafe_from,
         -- the generator's own encoding: the first ID of that millisecond is 2^53, the
         -- last of the millisecond before it 2^53 - 1
         flakeid_min_id(c.js_unsafe_from, c.layout, 1577836800000),
         flakeid_max_id(c.js_unsafe_from - interval '1 ms', c.layout, 1577836800000),
         round((extract(epoch FROM c.js_unsafe_from - c.epoch) / (365.25 * 86400))::numeric, 2)
  FROM flakeid_capacity() AS c
$$;
SET flakeid.layout = 'minimal';
SELECT * FROM pg_temp.js_limit();
SET flakeid.layout = 'twitter';
SELECT * FROM pg_temp.js_limit();
SET flakeid.layout = 'js_safe';
SELECT * FROM pg_temp.js_limit();
SELECT js_unsafe_from = ends_at AS crosses_at_its_end FROM flakeid_capacity();
SELECT 1::bigint << 53 AS two_to_53;
-- The hand-worked moments, written out.
SET flakeid.layout = 'minimal';
SELECT js_unsafe_from = timestamptz '2298-09-26 15:10:22.208+00' AS minimal FROM flakeid_capacity();
SET flakeid.layout = 'twitter';
SELECT js_unsafe_from = timestamptz '2020-01-25 20:31:23.648+00' AS twitter FROM flakeid_capacity();
SET flakeid.layout = 'js_safe';
SELECT js_unsafe_from = timestamptz '2089-09-06 15:47:35.552+00' AS js_safe FROM flakeid_capacity();
-- The preset, as flakeid_layouts() lists it.
SELECT * FROM flakeid_layouts() WHERE name = 'js_safe';
-- More node and sequence bits than 53: the epoch's own millisecond can reach 2^53.
SET flakeid.layout = '9,31,23,0';
SELECT js_unsafe_from = epoch AS from_the_epoch FROM flakeid_capacity();
-- Every layout crosses 2^53 before its range ends (T + D + M + S = 63); NULL is for a
-- crossing past PostgreSQL's calendar (294276 AD): 63 timestamp bits from 9999-12-31.
SET flakeid.layout = '63,0,0,0';
SELECT js_unsafe_from FROM flakeid_capacity();
SET flakeid.epoch = '9999-12-31 00:00:00+00';
SELECT js_unsafe_from IS NULL AS past_the_calendar, ends_at FROM flakeid_capacity();
RESET flakeid.epoch;

-- ---- 2. the flakeid type -----------------------------------------------------------------
SET flakeid.layout = 'twitter';
CREATE TABLE keyed (id flakeid PRIMARY KEY DEFAULT flakeid_next(), note text);
CREATE TABLE plain (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text);
INSERT INTO keyed (note) SELECT 'made' FROM generate_series(1, 1000);
INSERT INTO plain (id, note) SELECT id, note FROM keyed;
-- bigint's storage, text form and binary form.
SELECT t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred,
       t.typinput::text, t.typoutput::text, t.typreceive::text, t.typsend::text
FROM pg_type t WHERE t.oid = 'flakeid'::regtype;
SELECT p.proname, p.prosrc, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.oid IN ('flakeid_in(cstring)'::regprocedure, 'flakeid_out(flakeid)'::regprocedure,
                'flakeid_recv(internal)'::regprocedure, 'flakeid_send(flakeid)'::regprocedure,
                'flakeid(integer)'::regprocedure)
ORDER BY p.proname;
SELECT count(*) AS same_text FROM keyed k JOIN plain p ON k.id::text = p.id::text;
SELECT count(*) AS same_binary FROM keyed k JOIN plain p ON flakeid_send(k.id) = int8send(p.id);
SELECT pg_column_size(id) AS bytes FROM keyed LIMIT 1;
-- The casts: to bigint implicit and binary; from bigint and integer on assignment.
SELECT castsource::regtype, casttarget::regtype, castmethod, castcontext
FROM pg_cast WHERE 'flakeid'::regtype IN (castsource, casttarget) ORDER BY 1, 2;

-- In JSON, a bigint is a number and a flakeid a string, in every JSON function.
INSERT INTO keyed VALUES (922337203685477580, 'ten percent of 2^63');
INSERT INTO plain VALUES (922337203685477580, 'ten percent of 2^63');
SELECT to_json(k.id) AS flakeid_json, to_json(p.id) AS bigint_json,
       to_jsonb(k.id) AS flakeid_jsonb, to_jsonb(p.id) AS bigint_jsonb
FROM keyed k JOIN plain p USING (note) WHERE note = 'ten percent of 2^63';
SELECT row_to_json(k) FROM keyed k WHERE id = 922337203685477580;
SELECT row_to_json(p) FROM plain p WHERE id = 922337203685477580;
SELECT json_agg(k) FROM keyed k WHERE id = 922337203685477580;
SELECT jsonb_agg(k) FROM keyed k WHERE id = 922337203685477580;
SELECT json_build_object('id', id), jsonb_build_object('id', id)
FROM keyed WHERE id = 922337203685477580;
SELECT json_object_agg(id, note) FROM keyed WHERE id = 922337203685477580;
SELECT to_json(ARRAY[id]) FROM keyed WHERE id = 922337203685477580;
-- Arithmetic is bigint's: its result is a bigint (a JSON number).
SELECT id + 1 AS next, pg_typeof(id + 1), to_json(id + 1) FROM keyed
WHERE id = 922337203685477580;

-- Comparisons and literals: every form resolves to the type's own operators (exact
-- matches with flakeid, bigint, integer or an untyped literal), none is ambiguous.
SELECT count(*) FROM keyed WHERE id = 922337203685477580;
SELECT count(*) FROM keyed WHERE id = '922337203685477580';
SELECT count(*) FROM keyed WHERE id = 922337203685477580::bigint;
SELECT count(*) FROM keyed WHERE id > 5 AND id < 922337203685477580;
SELECT count(*) FROM keyed WHERE id BETWEEN 0 AND 922337203685477580;
SELECT count(*) FROM keyed WHERE id IN (5, 922337203685477580);
SELECT count(*) FROM keyed WHERE id = ANY (ARRAY[922337203685477580]);
SELECT count(*) FROM keyed k JOIN plain p ON k.id = p.id;
PREPARE by_unknown AS SELECT note FROM keyed WHERE id = $1;
EXECUTE by_unknown('922337203685477580');
PREPARE by_bigint(bigint) AS SELECT note FROM keyed WHERE id = $1;
EXECUTE by_bigint(922337203685477580);
PREPARE by_integer(integer) AS SELECT count(*) FROM keyed WHERE id > $1;
EXECUTE by_integer(0);
PREPARE by_flakeid(flakeid) AS SELECT note FROM keyed WHERE id = $1;
EXECUTE by_flakeid('922337203685477580');
-- numeric is not taken silently: bigint = numeric compares as numeric, a key must not.
SELECT count(*) FROM keyed WHERE id = 5.0;
PREPARE by_numeric(numeric) AS SELECT note FROM keyed WHERE id = $1;
-- Mixed with bigint in UNION and COALESCE, the result is bigint. An integer becomes a
-- flakeid implicitly (as it becomes a bigint): COALESCE(max(id), 0), GREATEST, ARRAY and
-- a list of small numbers give a flakeid, and the list is one array the key's index takes.
SELECT pg_typeof(x) FROM (SELECT id FROM keyed WHERE id = 922337203685477580
                          UNION SELECT 1::bigint) AS u(x) LIMIT 1;
SELECT pg_typeof(coalesce(id, 0::bigint)) FROM keyed LIMIT 1;
SELECT pg_typeof(coalesce(id, 0)) AS coalesce_0, pg_typeof(greatest(id, 5)) AS greatest_5,
       pg_typeof(ARRAY[id, 5]) AS array_5
FROM keyed LIMIT 1;
SELECT pg_typeof(coalesce(max(id), 0)) AS coalesce_max, coalesce(max(id), 0) > 0 AS found
FROM keyed;
SELECT coalesce(max(id), 0) AS empty_max FROM keyed WHERE note = 'no such note';
SELECT pg_typeof(x) FROM (SELECT id FROM keyed WHERE id = 922337203685477580
                          UNION SELECT 1) AS u(x) LIMIT 1;
-- Order, min and max.
SELECT bool_and(a.id < b.id) AS ordered
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM keyed) a
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM keyed) b ON b.n = a.n + 1;
-- max() and min() are the type's own: a flakeid (a string in JSON), read from the key's
-- index, combined from partial aggregates in parallel; a bigint column keeps pg_catalog's.
SELECT max(id) = 922337203685477580 AS max_is_largest, pg_typeof(max(id)),
       min(id) = (SELECT id FROM keyed ORDER BY id LIMIT 1) AS min_is_smallest,
       pg_typeof(min(id))
FROM keyed;
SELECT json_build_object('max', max(id)) AS flakeid_max,
       (SELECT json_build_object('max', max(id)) FROM plain) AS bigint_max
FROM keyed;
-- (The scan line of each plan alone: 17 prints its InitPlan otherwise than 15.)
CREATE FUNCTION pg_temp.scan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || query LOOP
    IF line ~ 'Scan' THEN RETURN NEXT btrim(line, ' ->'); END IF;
  END LOOP;
END $$;
SELECT pg_temp.scan_of('SELECT max(id) FROM keyed') AS max_reads,
       pg_temp.scan_of('SELECT min(id) FROM keyed') AS min_reads;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 1;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT max(id), min(id) FROM keyed;
SELECT max(id) = 922337203685477580 AS max_is_largest,
       min(id) = (SELECT id FROM plain ORDER BY id LIMIT 1) AS min_is_smallest
FROM keyed;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;
SELECT pg_typeof(max(id)) AS bigint_column, pg_typeof(max(id::integer)) AS integer
FROM plain WHERE id < 1000;
SELECT count(DISTINCT id) AS distinct_keys, count(*) AS keys FROM keyed;
-- Explicit casts and bad input: bigint's rules and messages.
SELECT '42'::flakeid AS from_text, 42::flakeid AS from_integer,
       42::bigint::flakeid AS from_bigint, (42::flakeid)::bigint AS to_bigint,
       (42::flakeid)::text AS to_text;
SELECT 'x'::flakeid;
SELECT '9223372036854775808'::flakeid;
SELECT 1.5::flakeid;
-- Decoding: flakeid_decode() and friends take it as a bigint.
SELECT d.timestamp_ms > 0 AS decodes FROM keyed k, flakeid_decode(k.id) AS d LIMIT 1;

-- Its own operator classes (flakeid_ops, flakeid_hash_ops, over bigint's functions):
-- btree for the primary key, with index scans for keys, lists of keys and
-- flakeid_min_id() ranges, however the key is written, and for a join with a bigint column.
CREATE FUNCTION pg_temp.key_indexes(OUT index_name name, OUT opclass name, OUT method name)
RETURNS SETOF record LANGUAGE sql AS $$
  SELECT c.relname, o.opcname, am.amname
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_opclass o ON o.oid = i.indclass[0] JOIN pg_am am ON am.oid = o.opcmethod
  WHERE i.indrelid = 'keyed'::regclass ORDER BY 1
$$;
SELECT * FROM pg_temp.key_indexes();
ANALYZE keyed;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT note FROM keyed WHERE id = 922337203685477580;
EXPLAIN (COSTS OFF) SELECT note FROM keyed WHERE id >= flakeid_min_id(now() - interval '1 hour');
EXPLAIN (COSTS OFF) EXECUTE by_unknown('922337203685477580');
EXPLAIN (COSTS OFF) EXECUTE by_bigint(922337203685477580);
EXPLAIN (COSTS OFF) SELECT id FROM keyed ORDER BY id DESC LIMIT 1;
EXPLAIN (COSTS OFF) SELECT count(*) FROM keyed WHERE id IN (5, 922337203685477580);
EXPLAIN (COSTS OFF) SELECT count(*) FROM keyed WHERE id IN (5, 6, 7);
SET enable_hashjoin = off;
SET enable_mergejoin = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM keyed k JOIN plain p ON p.id = k.id;
RESET enable_hashjoin;
RESET enable_mergejoin;
-- ... and hash.
CREATE INDEX keyed_hash ON keyed USING hash (id);
ALTER TABLE keyed DROP CONSTRAINT keyed_pkey;
SELECT * FROM pg_temp.key_indexes();
EXPLAIN (COSTS OFF) EXECUTE by_bigint(922337203685477580);
EXECUTE by_bigint(922337203685477580);
-- A flakeid hashes with bigint's own hash functions, not copies of them: PostgreSQL hashes
-- the array of id = ANY (constant array) (a lookup per row, not a scan of the array) only
-- when both sides' hash functions are one function, and drivers and ORMs send lists of
-- keys as bigint arrays and literals (with copies, 2000 keys against 200 000 rows took
-- 25 times bigint's time).
SELECT p.amproclefttype::regtype AS type, p.amprocnum AS support, p.amproc::regproc AS function
FROM pg_amproc p JOIN pg_opfamily f ON f.oid = p.amprocfamily
WHERE f.opfname = 'flakeid_hash_ops' AND p.amproclefttype IN ('flakeid'::regtype, 'bigint'::regtype)
ORDER BY p.amproclefttype, p.amprocnum;
-- Hash partitions hold the same keys as bigint's, edge values included.
CREATE TABLE hashed_f (id flakeid PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE hashed_b (id bigint PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE hashed_f0 PARTITION OF hashed_f FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE hashed_f1 PARTITION OF hashed_f FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE hashed_f2 PARTITION OF hashed_f FOR VALUES WITH (MODULUS 3, REMAINDER 2);
CREATE TABLE hashed_b0 PARTITION OF hashed_b FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE hashed_b1 PARTITION OF hashed_b FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE hashed_b2 PARTITION OF hashed_b FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO hashed_b SELECT id FROM plain UNION
  SELECT unnest(ARRAY[-9223372036854775808, -2147483649, -2147483648, -1, 0, 1, 2147483647,
                      2147483648, 9223372036854775807]::bigint[]);
INSERT INTO hashed_f SELECT id FROM hashed_b;
SELECT count(*) AS keys,
       count(*) FILTER (WHERE right(f.tableoid::regclass::text, 1)
                              = right(b.tableoid::regclass::text, 1)) AS same_partition
FROM hashed_f f JOIN hashed_b b ON f.id::bigint = b.id;
SELECT count(*) AS by_bigint_array FROM hashed_f
WHERE id = ANY (ARRAY[-9223372036854775808, -1, 0, 1, 2, 3, 4, 5, 6, 9223372036854775807]::bigint[]);
DROP TABLE hashed_f, hashed_b;
-- ... and BRIN (minmax).
CREATE INDEX keyed_brin ON keyed USING brin (id);
DROP INDEX keyed_hash;
SELECT * FROM pg_temp.key_indexes();
EXPLAIN (COSTS OFF) EXECUTE by_bigint(922337203685477580);
EXECUTE by_bigint(922337203685477580);
RESET enable_seqscan;

-- A table partitioned by day on a flakeid key, with flakeid_min_id() bounds: a range of
-- keys prunes to its partition at plan time.
CREATE TABLE events (id flakeid NOT NULL DEFAULT flakeid_next(), note text)
PARTITION BY RANGE (id);
CREATE TABLE events_d1 PARTITION OF events FOR VALUES
  FROM (flakeid_min_id(timestamptz '2026-01-01 00:00+00', 'twitter'))
  TO (flakeid_min_id(timestamptz '2026-01-02 00:00+00', 'twitter'));
CREATE TABLE events_d2 PARTITION OF events FOR VALUES
  FROM (flakeid_min_id(timestamptz '2026-01-02 00:00+00', 'twitter'))
  TO (flakeid_min_id(timestamptz '2026-01-03 00:00+00', 'twitter'));
ALTER TABLE events ADD PRIMARY KEY (id);
INSERT INTO events VALUES
  (flakeid_min_id(timestamptz '2026-01-01 12:00+00', 'twitter'), 'day 1'),
  (flakeid_min_id(timestamptz '2026-01-02 12:00+00', 'twitter'), 'day 2');
SELECT tableoid::regclass AS part, id, note FROM events ORDER BY id;
EXPLAIN (COSTS OFF) SELECT note FROM events
WHERE id BETWEEN flakeid_min_id(timestamptz '2026-01-02 06:00+00', 'twitter')
             AND flakeid_max_id(timestamptz '2026-01-02 07:00+00', 'twitter');
SELECT json_agg(e ORDER BY id) FROM events e;
-- A key outside every partition is refused as for bigint.
INSERT INTO events VALUES (5, 'nowhere');

DROP TABLE keyed, plain, events;
RESET flakeid.layout;
