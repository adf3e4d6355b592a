-- 17_declared_results: every C entry point checks, once per call site, that its SQL
-- declaration is the one the library implements: its argument types, its result type,
-- whether it returns a set, and STRICT. An SQL script and a library of different
-- versions, or a hand-written declaration, must never make the server read a bigint as a
-- record (issue 19, item 4: each of the first five declarations below crashed the server
-- with signal 11). Each is refused with FL009.
SET flakeid.layout = 'twitter';
SET timezone = 'UTC';

-- ---- the five declarations of the issue -----------------------------------------------
CREATE FUNCTION next_ids_out(count integer, OUT a bigint, OUT b bigint)
RETURNS SETOF record AS '$libdir/flakeid', 'flakeid_next_ids' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION next_ids_record(count integer)
RETURNS SETOF record AS '$libdir/flakeid', 'flakeid_next_ids' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION next_out(OUT a bigint, OUT b bigint)
RETURNS record AS '$libdir/flakeid', 'flakeid_next' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION timestamp_out(id bigint, OUT a timestamptz, OUT b timestamptz)
RETURNS record AS '$libdir/flakeid', 'flakeid_timestamp' LANGUAGE C STABLE STRICT;
CREATE FUNCTION node_out(id bigint, OUT a integer, OUT b integer)
RETURNS record AS '$libdir/flakeid', 'flakeid_node' LANGUAGE C STABLE STRICT;
SELECT * FROM next_ids_out(2);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM next_ids_record(2) AS t(id bigint);
SELECT * FROM next_out();
SELECT * FROM timestamp_out(4194463749);
SELECT * FROM node_out(4194463749);

-- ---- more of the same kind ------------------------------------------------------------
-- A scalar declared as a set, a set declared as a scalar, another result type.
CREATE FUNCTION next_set() RETURNS SETOF bigint
AS '$libdir/flakeid', 'flakeid_next' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION next_ids_scalar(count integer) RETURNS bigint
AS '$libdir/flakeid', 'flakeid_next_ids' LANGUAGE C VOLATILE STRICT;
CREATE FUNCTION next_text() RETURNS text
AS '$libdir/flakeid', 'flakeid_next' LANGUAGE C VOLATILE STRICT;
SELECT * FROM next_set();
SELECT next_ids_scalar(2);
SELECT next_text();
-- A record function declared with a scalar result; a set of records as one record.
CREATE FUNCTION decode_scalar(id bigint) RETURNS bigint
AS '$libdir/flakeid', 'flakeid_decode' LANGUAGE C STABLE STRICT;
CREATE FUNCTION layouts_one(OUT name text, OUT timestamp_bits integer,
    OUT datacenter_bits integer, OUT machine_bits integer, OUT sequence_bits integer,
    OUT purpose text)
RETURNS record AS '$libdir/flakeid', 'flakeid_layouts' LANGUAGE C IMMUTABLE STRICT;
SELECT decode_scalar(4194463749);
SELECT * FROM layouts_one();
-- Arguments of other types, and a declaration that is not STRICT (a NULL layout would be
-- read as text).
CREATE FUNCTION span_text(span text) RETURNS bigint
AS '$libdir/flakeid', 'flakeid_span' LANGUAGE C STABLE STRICT;
CREATE FUNCTION node_with_lax(id bigint, layout text, epoch_ms bigint) RETURNS integer
AS '$libdir/flakeid', 'flakeid_node_with' LANGUAGE C IMMUTABLE;
CREATE FUNCTION node_with_fewer(id bigint, layout text) RETURNS integer
AS '$libdir/flakeid', 'flakeid_node_with' LANGUAGE C IMMUTABLE STRICT;
SELECT span_text('1 day');
SELECT node_with_lax(4194463749, NULL, 0);
SELECT node_with_fewer(4194463749, 'twitter');

-- ---- what is right still works --------------------------------------------------------
-- The declaration is checked once per call site: the second and later rows are not
-- checked again, and a set function is checked each time it starts.
CREATE FUNCTION next_again() RETURNS bigint
AS '$libdir/flakeid', 'flakeid_next' LANGUAGE C VOLATILE STRICT;
SELECT count(DISTINCT next_again()) AS distinct_ids FROM generate_series(1, 1000);
SELECT count(*) AS ids FROM generate_series(1, 3) g, LATERAL flakeid_next_ids(g);
-- A record function declared RETURNS record, its columns given by the call.
CREATE FUNCTION decode_record(id bigint) RETURNS record
AS '$libdir/flakeid', 'flakeid_decode' LANGUAGE C STABLE STRICT;
SELECT * FROM decode_record(4194463749) AS t(raw bigint, timestamp_ms bigint,
    generated_at timestamptz, datacenter_id integer, machine_id integer, sequence integer);
-- The entry points the extension declares, once each.
SELECT flakeid_next() > 0 AS next, (SELECT count(*) FROM flakeid_next_ids(2)) AS ids,
       flakeid_node(4194463749) AS node, flakeid_timestamp(4194463749) IS NOT NULL AS ts;

DROP FUNCTION next_ids_out(integer), next_ids_record(integer), next_out(), timestamp_out(bigint),
    node_out(bigint), next_set(), next_ids_scalar(integer), next_text(), decode_scalar(bigint),
    layouts_one(), span_text(text), node_with_lax(bigint, text, bigint),
    node_with_fewer(bigint, text), next_again(), decode_record(bigint);
