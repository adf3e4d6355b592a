-- flakeid 1.2 -> 1.3: new features on the 1.2 core, each in its own section below.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "ALTER EXTENSION flakeid UPDATE TO '1.3'" to load this file. \quit

-- ---- The replication guard: a node id seen from two origins is refused --------------

-- ---- Shards and time partitions: the node of an ID, the width of a time span ---------

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

-- The width in IDs of a time span under the database's current layout: its whole
-- milliseconds << (datacenter + machine + sequence bits). The integer interval of ID range
-- partitions that each hold that span of time (pg_partman's p_interval).
CREATE FUNCTION @extschema@.flakeid_span(span interval)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_span'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The width in IDs of a time span under the layout given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_span(span interval, layout text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_span_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---- Moving an existing table to flakeid ---------------------------------------------
