-- What the generator has done since the server started.

-- What the generator has done since the server started, one row per layout and epoch in
-- use on the server, with this database's high-water mark, where the node ids came from,
-- the server's clock policy and how far the state's last ID is ahead of the clock.
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
    OUT shared_memory_bytes bigint,
    OUT clock_lead interval)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flakeid_status'
LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
