-- Time ranges as ranges of keys: the first and last ID of a millisecond, the width of a span.

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
