-- flakeid 1.0 -> 1.1: time-range queries on the key.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "ALTER EXTENSION flakeid UPDATE TO '1.1'" to load this file. \quit

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

-- The smallest ID the current layout can hold in the millisecond of `ts`: with
-- flakeid_max_id, a time range as a range of keys (an index range scan).
CREATE FUNCTION @extschema@.flakeid_min_id(ts timestamptz)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_min_id'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The smallest ID of the millisecond of `ts` under the layout and epoch given:
-- IMMUTABLE, for partition bounds and plan-time pruning.
CREATE FUNCTION @extschema@.flakeid_min_id(
    ts timestamptz, layout text, epoch_ms bigint DEFAULT 1577836800000)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_min_id_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The largest ID the current layout can hold in the millisecond of `ts`.
CREATE FUNCTION @extschema@.flakeid_max_id(ts timestamptz)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_max_id'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The largest ID of the millisecond of `ts` under the layout and epoch given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_max_id(
    ts timestamptz, layout text, epoch_ms bigint DEFAULT 1577836800000)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_max_id_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
