-- Layouts: the current one's limits, the presets, and which in use on the server can make
-- equal IDs.

-- The current layout's limits: span in years, nodes, IDs per second and per
-- millisecond, its name and widths, its epoch and the last moment it can encode, and the
-- first moment its IDs can reach 2^53, past which JavaScript's numbers (JSON.parse) no
-- longer hold them exactly (issue 24; NULL only beyond PostgreSQL's calendar).
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
    OUT ends_at timestamptz,
    OUT js_unsafe_from timestamptz)
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

-- flakeid_key_overlaps(): the layouts and epochs in use on this server (every state since
-- it started, and the caller's settings) whose IDs can be equal, under the server's node
-- ids. same_time: equal IDs are made in the same millisecond and decode to the same time
-- and node (twitter and large_cluster at node 0|0); apart: how much later the other makes
-- an ID equal to one of the first (another epoch), NULL where that varies (other timestamp
-- widths: times far apart). A generator state per layout and epoch keeps IDs apart only
-- within it (src/core/key_overlap.hpp).
CREATE FUNCTION @extschema@.flakeid_key_overlaps(
    OUT layout text,
    OUT epoch timestamptz,
    OUT other_layout text,
    OUT other_epoch timestamptz,
    OUT same_time boolean,
    OUT apart interval)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flakeid_key_overlaps'
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
