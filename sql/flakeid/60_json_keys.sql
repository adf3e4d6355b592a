-- Keys that stay exact in JSON (issue 24): the flakeid type. The same objects are at the end
-- of flakeid--1.4--1.5.sql (issue 24's section): keep the two identical.
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
