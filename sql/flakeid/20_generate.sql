-- Making IDs: one, many, and every later one above a key made elsewhere.

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

-- flakeid_resume_above(key): every later ID of the node, in every database, after a
-- restart, a crash or a promotion, comes above `key` (a key of the database's layout and
-- epoch made before now, by another generator): the server's mark file and the database's
-- mark are raised to its millisecond, then every generator state. A key at or above the
-- first key of now is refused (FL015), so it raises the marks no further than an ID from
-- flakeid_next() does: anyone who may make IDs may call it (src/pg/durability/resume_above.cpp).
-- flakeid_adopt() calls it, after its checks and changes, with the largest adopted key.
CREATE FUNCTION @extschema@.flakeid_resume_above(key bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'flakeid_resume_above'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
