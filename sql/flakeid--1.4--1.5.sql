-- flakeid 1.4 -> 1.5.
\echo Use "ALTER EXTENSION flakeid UPDATE TO '1.5'" to load this file. \quit

-- ==== issue 24: keys that stay exact in JSON (the flakeid type) ========================
-- The same objects are in sql/flakeid/60_json_keys.sql (the single source of a fresh
-- install): keep the two identical.
--
-- PostgreSQL's JSON functions (to_json, to_jsonb, json_agg, row_to_json,
-- json_build_object ...) write a bigint as a JSON number, which JavaScript's JSON.parse
-- rounds to 53 bits. They write a base type that is not built in, and has no cast to json,
-- as its text output in quotes. flakeid is such a type, opted into per column: its storage,
-- binary send/receive and text form are bigint's own (the functions below are PostgreSQL's
-- int8 functions, LANGUAGE internal), so it costs nothing and clients that read a bigint
-- read it. It has no operators of its own: its cast to bigint is implicit and binary
-- (WITHOUT FUNCTION), so comparisons resolve to bigint's operators, and indexes, primary
-- keys, partition keys, sorting and hashing take bigint's operator classes (btree and hash
-- int8_ops of the integer_ops families), as varchar takes text's. A bigint or an integer
-- is stored into a flakeid column by an assignment cast: DEFAULT flakeid_next() works.
-- Its category is numeric (not preferred), so that UNION and COALESCE of a flakeid and a
-- bigint resolve to bigint as they do for integer and bigint.
CREATE TYPE @extschema@.flakeid;

CREATE FUNCTION @extschema@.flakeid_in(cstring) RETURNS @extschema@.flakeid
AS 'int8in' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_out(@extschema@.flakeid) RETURNS cstring
AS 'int8out' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_recv(internal) RETURNS @extschema@.flakeid
AS 'int8recv' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_send(@extschema@.flakeid) RETURNS bytea
AS 'int8send' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.flakeid (
    INPUT = @extschema@.flakeid_in,
    OUTPUT = @extschema@.flakeid_out,
    RECEIVE = @extschema@.flakeid_recv,
    SEND = @extschema@.flakeid_send,
    LIKE = pg_catalog.int8,
    CATEGORY = 'N');
COMMENT ON TYPE @extschema@.flakeid IS
    'a bigint key that JSON functions write as a string (exact in JavaScript)';

-- bigint <-> flakeid: the same bits. To bigint implicitly (bigint's operators and operator
-- classes apply); from bigint on assignment (INSERT, UPDATE, DEFAULT) or explicitly.
CREATE CAST (@extschema@.flakeid AS pg_catalog.int8) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (pg_catalog.int8 AS @extschema@.flakeid) WITHOUT FUNCTION AS ASSIGNMENT;
-- An integer literal is an integer: INSERT ... VALUES (5) stores it through int8(integer).
CREATE FUNCTION @extschema@.flakeid(integer) RETURNS @extschema@.flakeid
AS 'int48' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (pg_catalog.int4 AS @extschema@.flakeid)
    WITH FUNCTION @extschema@.flakeid(integer) AS ASSIGNMENT;

-- flakeid_capacity() gains js_unsafe_from: the first moment at which the current layout's
-- IDs can reach 2^53, above which a JavaScript number (JSON.parse) no longer holds them
-- exactly; NULL only beyond PostgreSQL's calendar. A result's columns cannot change in
-- place: flakeid_adopt() and flakeid_guard() bind flakeid_capacity() by OID (SQL-standard
-- bodies), so they are dropped with it and made again as 1.4 made them. (The library
-- still answers a declaration of 1.4's 11 columns, for an extension not yet updated.)
DROP FUNCTION @extschema@.flakeid_adopt(regclass, name, boolean, boolean);
DROP FUNCTION @extschema@.flakeid_guard(regclass, name);
DROP FUNCTION @extschema@.flakeid_capacity();
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

CREATE FUNCTION @extschema@.flakeid_adopt(
    tbl regclass,
    key_column name DEFAULT 'id',
    drop_sequence boolean DEFAULT true,
    require_unique boolean DEFAULT true)
RETURNS TABLE (relation regclass, previous text, sequence text, sequence_now text)
LANGUAGE sql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT a.relation, a.previous, a.sequence, a.sequence_now
    FROM @extschema@.flakeid_capacity() AS c,
         @extschema@.flakeid_adopt_checked(
           tbl, key_column, drop_sequence, require_unique,
           '@extschema@.flakeid_next()'::pg_catalog.regprocedure,
           c.layout, c.epoch, c.timestamp_bits, c.datacenter_bits, c.machine_bits,
           c.sequence_bits, @extschema@.flakeid_min_id(pg_catalog.now()),
           ARRAY(SELECT l.name FROM @extschema@.flakeid_layouts() AS l ORDER BY l.name),
           ARRAY(SELECT l.timestamp_bits FROM @extschema@.flakeid_layouts() AS l ORDER BY l.name),
           ARRAY(SELECT l.datacenter_bits OPERATOR(pg_catalog.+) l.machine_bits
                        OPERATOR(pg_catalog.+) l.sequence_bits
                   FROM @extschema@.flakeid_layouts() AS l ORDER BY l.name),
           @extschema@.flakeid_adopt_hold(tbl, key_column)) AS a
         -- issue 20: once flakeid_adopt_checked() has run to its end (a PL/pgSQL set is
         -- complete before its first row), the adopted keys become the node's.
         CROSS JOIN LATERAL @extschema@.flakeid_resume_above(a.adopted_max) AS covered;
END;

CREATE FUNCTION @extschema@.flakeid_guard(tbl regclass, key_column name DEFAULT 'id')
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT @extschema@.flakeid_guard_checked(
           tbl, key_column,
           (SELECT c.datacenter_bits OPERATOR(pg_catalog.+) c.machine_bits
              FROM @extschema@.flakeid_capacity() AS c),
           '@extschema@.flakeid_guard_trigger()'::pg_catalog.regprocedure);
END;
-- ==== end of issue 24's section ==========================================================
