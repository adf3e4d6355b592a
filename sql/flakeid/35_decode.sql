-- Taking an ID apart: every field, its time, its node.

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

-- The time an ID was made, under the database's current layout and epoch.
CREATE FUNCTION @extschema@.flakeid_timestamp(id bigint)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'flakeid_timestamp'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The time an ID was made, under the layout and epoch given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_timestamp(
    id bigint, layout text, epoch_ms bigint DEFAULT 1577836800000)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'flakeid_timestamp_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The node that made an ID, under the database's current layout: its datacenter and
-- machine ids as one number, datacenter << machine_bits | machine. A router such as
-- PL/Proxy finds the shard of a key with it (RUN ON flakeid_node(id)).
CREATE FUNCTION @extschema@.flakeid_node(id bigint)
RETURNS integer
AS 'MODULE_PATHNAME', 'flakeid_node'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The node that made an ID under the layout and epoch given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_node(
    id bigint, layout text, epoch_ms bigint DEFAULT 1577836800000)
RETURNS integer
AS 'MODULE_PATHNAME', 'flakeid_node_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
