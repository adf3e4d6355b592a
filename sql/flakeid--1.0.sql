-- flakeid 1.0: 64-bit, time-ordered, node-wide unique IDs.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "CREATE EXTENSION flakeid" to load this file. \quit

-- The durable high-water mark of this database, in Unix milliseconds: no ID made here has
-- a timestamp at or above it. flakeid moves it about a second ahead of the IDs in use
-- (one WAL record a second, none on the hot path) and, after a restart, a crash or a
-- promotion, resumes above it. Only the extension moves it.
CREATE SEQUENCE @extschema@.flakeid_high_water AS bigint MINVALUE 0 NO CYCLE;
SELECT pg_catalog.setval('@extschema@.flakeid_high_water', 0, true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.flakeid_high_water', '');
REVOKE ALL ON SEQUENCE @extschema@.flakeid_high_water FROM PUBLIC;

-- One new ID: positive, time-ordered, unique across every backend of the server.
CREATE FUNCTION @extschema@.flakeid_next()
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_next'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- `count` new IDs, strictly increasing; each millisecond's share reserved in one step.
CREATE FUNCTION @extschema@.flakeid_next_ids(count integer)
RETURNS SETOF bigint
AS 'MODULE_PATHNAME', 'flakeid_next_ids'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE
ROWS 1000;

-- An ID taken apart under the database's current layout and epoch.
CREATE FUNCTION @extschema@.flakeid_decode(
    id bigint,
    OUT raw bigint,
    OUT timestamp_ms bigint,
    OUT generated_at timestamptz,
    OUT datacenter_id integer,
    OUT machine_id integer,
    OUT sequence integer)
RETURNS record
AS 'MODULE_PATHNAME', 'flakeid_decode'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- An ID taken apart under the layout and epoch given: IMMUTABLE, for indexes and
-- generated columns.
CREATE FUNCTION @extschema@.flakeid_decode(
    id bigint,
    layout text,
    epoch_ms bigint DEFAULT 1577836800000,
    OUT raw bigint,
    OUT timestamp_ms bigint,
    OUT generated_at timestamptz,
    OUT datacenter_id integer,
    OUT machine_id integer,
    OUT sequence integer)
RETURNS record
AS 'MODULE_PATHNAME', 'flakeid_decode_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The current layout's limits: span in years, nodes, IDs per second and per
-- millisecond, its name and widths, its epoch and the last moment it can encode.
CREATE FUNCTION @extschema@.flakeid_capacity(
    OUT years double precision,
    OUT nodes bigint,
    OUT ids_per_sec bigint,
    OUT ids_per_ms bigint,
    OUT layout text,
    OUT timestamp_bits integer,
    OUT datacenter_bits integer,
    OUT machine_bits integer,
    OUT sequence_bits integer,
    OUT epoch timestamptz,
    OUT ends_at timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'flakeid_capacity'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The preset layouts.
CREATE FUNCTION @extschema@.flakeid_layouts(
    OUT name text,
    OUT timestamp_bits integer,
    OUT datacenter_bits integer,
    OUT machine_bits integer,
    OUT sequence_bits integer,
    OUT purpose text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flakeid_layouts'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 5;

-- What the generator has done since the server started, one row per layout and epoch in
-- use on the server, with this database's high-water mark and where the node ids came
-- from.
CREATE FUNCTION @extschema@.flakeid_status(
    OUT layout text,
    OUT epoch timestamptz,
    OUT last_issued_at timestamptz,
    OUT ids_issued bigint,
    OUT sequence_waits bigint,
    OUT clock_waits bigint,
    OUT clock_errors bigint,
    OUT high_water timestamptz,
    OUT datacenter_id integer,
    OUT datacenter_id_source text,
    OUT machine_id integer,
    OUT machine_id_source text,
    OUT clock_policy text,
    OUT shared_memory_bytes bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flakeid_status'
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
