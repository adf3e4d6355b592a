-- flakeid 1.0: 64-bit, time-ordered, node-wide unique IDs.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "CREATE EXTENSION flakeid" to load this file. \quit

-- One new ID: positive, time-ordered, unique across every backend of the server.
CREATE FUNCTION @extschema@.flakeid_next()
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_next'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;

-- `count` new IDs, strictly increasing; each millisecond's share reserved in one step.
CREATE FUNCTION @extschema@.flakeid_next_ids(count integer)
RETURNS SETOF bigint
AS 'MODULE_PATHNAME', 'flakeid_next_ids'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE
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
