-- 12_result_records: a function's result record is checked against the columns the
-- library fills. The SQL objects and the library can come from different versions (a new
-- library installed before ALTER EXTENSION flakeid UPDATE); here functions bound to the
-- library's C symbols are declared with more, fewer or differently typed OUT columns. Each
-- call is a clear error (FL009), never a read past an array or a silently misread column.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- flakeid_decode with one column more, one column less, and generated_at as bigint.
CREATE FUNCTION decode_more(id bigint, OUT raw bigint, OUT timestamp_ms bigint,
    OUT generated_at timestamptz, OUT datacenter_id integer, OUT machine_id integer,
    OUT sequence integer, OUT extra integer)
RETURNS record AS '$libdir/flakeid', 'flakeid_decode' LANGUAGE C STABLE STRICT;
CREATE FUNCTION decode_fewer(id bigint, OUT raw bigint, OUT timestamp_ms bigint,
    OUT generated_at timestamptz, OUT datacenter_id integer, OUT machine_id integer)
RETURNS record AS '$libdir/flakeid', 'flakeid_decode' LANGUAGE C STABLE STRICT;
CREATE FUNCTION decode_typed(id bigint, OUT raw bigint, OUT timestamp_ms bigint,
    OUT generated_at bigint, OUT datacenter_id integer, OUT machine_id integer,
    OUT sequence integer)
RETURNS record AS '$libdir/flakeid', 'flakeid_decode' LANGUAGE C STABLE STRICT;
-- The IMMUTABLE form, with its sequence column as text.
CREATE FUNCTION decode_with_text(id bigint, layout text, epoch_ms bigint, OUT raw bigint,
    OUT timestamp_ms bigint, OUT generated_at timestamptz, OUT datacenter_id integer,
    OUT machine_id integer, OUT sequence text)
RETURNS record AS '$libdir/flakeid', 'flakeid_decode_with' LANGUAGE C IMMUTABLE STRICT;

SELECT * FROM decode_more(4194463749);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM decode_fewer(4194463749);
SELECT * FROM decode_typed(4194463749);
SELECT * FROM decode_with_text(4194463749, 'twitter', 1288834974657);

-- The functions returning records and sets of records: flakeid_capacity with a
-- thirteenth column, flakeid_layouts with its first two columns only, flakeid_status with
-- ids_issued as integer.
CREATE FUNCTION capacity_more(OUT years double precision, OUT nodes bigint,
    OUT ids_per_sec bigint, OUT ids_per_ms bigint, OUT layout text, OUT timestamp_bits integer,
    OUT datacenter_bits integer, OUT machine_bits integer, OUT sequence_bits integer,
    OUT epoch timestamptz, OUT ends_at timestamptz, OUT js_unsafe_from timestamptz,
    OUT spare text)
RETURNS record AS '$libdir/flakeid', 'flakeid_capacity' LANGUAGE C STABLE STRICT;
-- flakeid_capacity as 1.0-1.4 declared it, without 1.5's js_unsafe_from: a database not
-- yet updated under the new library gets its 11 columns (flakeid_adopt() and
-- flakeid_guard() of 1.4 read them).
CREATE FUNCTION capacity_of_1_4(OUT years double precision, OUT nodes bigint,
    OUT ids_per_sec bigint, OUT ids_per_ms bigint, OUT layout text, OUT timestamp_bits integer,
    OUT datacenter_bits integer, OUT machine_bits integer, OUT sequence_bits integer,
    OUT epoch timestamptz, OUT ends_at timestamptz)
RETURNS record AS '$libdir/flakeid', 'flakeid_capacity' LANGUAGE C STABLE STRICT;
CREATE FUNCTION layouts_fewer(OUT name text, OUT timestamp_bits integer)
RETURNS SETOF record AS '$libdir/flakeid', 'flakeid_layouts' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION status_typed(OUT layout text, OUT epoch timestamptz,
    OUT last_issued_at timestamptz, OUT ids_issued integer, OUT sequence_waits bigint,
    OUT clock_waits bigint, OUT clock_errors bigint, OUT high_water timestamptz,
    OUT datacenter_id integer, OUT datacenter_id_source text, OUT machine_id integer,
    OUT machine_id_source text, OUT clock_policy text, OUT shared_memory_bytes bigint,
    OUT clock_lead interval)
RETURNS SETOF record AS '$libdir/flakeid', 'flakeid_status' LANGUAGE C VOLATILE STRICT;
-- flakeid_status as 1.1 declared it, without 1.2's clock_lead: a database not yet updated
-- (ALTER EXTENSION flakeid UPDATE) under the new library.
CREATE FUNCTION status_of_1_1(OUT layout text, OUT epoch timestamptz,
    OUT last_issued_at timestamptz, OUT ids_issued bigint, OUT sequence_waits bigint,
    OUT clock_waits bigint, OUT clock_errors bigint, OUT high_water timestamptz,
    OUT datacenter_id integer, OUT datacenter_id_source text, OUT machine_id integer,
    OUT machine_id_source text, OUT clock_policy text, OUT shared_memory_bytes bigint)
RETURNS SETOF record AS '$libdir/flakeid', 'flakeid_status' LANGUAGE C VOLATILE STRICT;
SELECT * FROM capacity_more();
\echo :LAST_ERROR_SQLSTATE
SELECT layout, timestamp_bits, ends_at > epoch AS ends_after_epoch FROM capacity_of_1_4();
SELECT * FROM layouts_fewer();
SELECT * FROM status_typed();
SELECT * FROM status_of_1_1();

-- The session goes on, and the declarations of the installed version work.
SELECT raw, timestamp_ms, generated_at, datacenter_id, machine_id, sequence
FROM flakeid_decode(4194463749, 'twitter', 1288834974657);
SELECT count(*) AS presets FROM flakeid_layouts();
SELECT layout FROM flakeid_capacity();

DROP FUNCTION decode_more, decode_fewer, decode_typed, decode_with_text, capacity_more, capacity_of_1_4,
  layouts_fewer, status_typed, status_of_1_1;
