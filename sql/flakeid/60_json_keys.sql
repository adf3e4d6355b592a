-- Keys that stay exact in JSON (issue 24): the flakeid type. The same objects are at the end
-- of flakeid--1.4--1.5.sql (issue 24's section): keep the two identical.
--
-- PostgreSQL's JSON functions (to_json, to_jsonb, json_agg, row_to_json,
-- json_build_object ...) write a bigint as a JSON number, which JavaScript's JSON.parse
-- rounds to 53 bits. They write a base type that is not built in, and has no cast to json,
-- as its text output in quotes. flakeid is such a type, opted into per column: its storage,
-- binary send/receive and text form are bigint's own (the functions below are PostgreSQL's
-- int8 functions, LANGUAGE internal), so it costs nothing and clients that read a bigint
-- read it. Its cast to bigint is implicit and binary (WITHOUT FUNCTION): functions and
-- arithmetic take it as a bigint. Its comparisons are its own operators (below), exact
-- matches that no role creating in a later schema on the search_path can shadow, and
-- indexes, primary keys, partition keys, sorting and hashing take its own operator classes
-- (btree flakeid_ops, hash flakeid_hash_ops) over bigint's functions. A bigint is stored
-- into a flakeid column by an assignment cast (DEFAULT flakeid_next() works), an integer
-- implicitly.
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

-- bigint <-> flakeid: the same bits. To bigint implicitly (bigint's functions and
-- arithmetic apply); from bigint on assignment (INSERT, UPDATE, DEFAULT) or explicitly.
CREATE CAST (@extschema@.flakeid AS pg_catalog.int8) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (pg_catalog.int8 AS @extschema@.flakeid) WITHOUT FUNCTION AS ASSIGNMENT;
-- An integer becomes a flakeid implicitly, as it becomes a bigint: INSERT ... VALUES (5),
-- COALESCE(max(id), 0), GREATEST(id, 5) and id IN (1, 2, 3) (one flakeid array, which the
-- key's index takes) work as on a bigint key. (PostgreSQL has an exact int4 match for
-- everything it does with integers alone, so no integer expression changes meaning.)
CREATE FUNCTION @extschema@.flakeid(integer) RETURNS @extschema@.flakeid
AS 'int48' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (pg_catalog.int4 AS @extschema@.flakeid)
    WITH FUNCTION @extschema@.flakeid(integer) AS IMPLICIT;

-- The type's own comparison operators (issue 24, red team). Borrowed through the implicit
-- cast, bigint's operators were no exact match for a flakeid argument, so an exact match
-- such as =(flakeid, integer) made by a role that may create in any schema on a caller's
-- search_path won, and ran with the caller's rights, in WHERE id = 5. These are exact
-- matches for every comparison of a flakeid with a flakeid, a bigint, an integer or an
-- untyped literal: a decoy wins only from a schema ahead of the extension's on the path
-- (where it would shadow any function of any extension). Their functions are
-- PostgreSQL's int8 and int8/int4 comparisons (LANGUAGE internal), declared on flakeid.
-- Each function's name says its operation and argument types: flakeid_<op>_<left>_<right>.
CREATE FUNCTION @extschema@.flakeid_eq(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ne(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_lt(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_le(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8le' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_gt(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ge(@extschema@.flakeid, @extschema@.flakeid) RETURNS boolean
AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_eq_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ne_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_lt_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_le_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8le' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_gt_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ge_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS boolean
AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_eq_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ne_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_lt_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_le_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8le' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_gt_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ge_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS boolean
AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_eq_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84eq' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ne_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84ne' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_lt_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84lt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_le_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84le' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_gt_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84gt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ge_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS boolean
AS 'int84ge' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_eq_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48eq' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ne_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48ne' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_lt_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48lt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_le_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48le' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_gt_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48gt' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_ge_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS boolean
AS 'int48ge' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;

-- The operators. Each names its commutator and negator, and bigint's selectivity
-- estimators. Every = hashes (flakeid_hash_ops); only =(flakeid, flakeid) merges: a merge
-- join needs both sides' < in one btree family, and bigint's are not in flakeid_ops (see
-- there).
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES, MERGES);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_eq_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_ne_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_lt_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_le_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_gt_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int8,
    FUNCTION = @extschema@.flakeid_ge_flakeid_bigint,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.= (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_eq_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ne_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_lt_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_le_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.> (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_gt_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = pg_catalog.int8, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ge_bigint_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_eq_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_ne_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_lt_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_le_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_gt_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.flakeid, RIGHTARG = pg_catalog.int4,
    FUNCTION = @extschema@.flakeid_ge_flakeid_integer,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);
CREATE OPERATOR @extschema@.= (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_eq_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
    HASHES);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ne_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_lt_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_le_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel);
CREATE OPERATOR @extschema@.> (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_gt_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = pg_catalog.int4, RIGHTARG = @extschema@.flakeid,
    FUNCTION = @extschema@.flakeid_ge_integer_flakeid,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel);

-- The btree operator family: indexes, primary keys, range partition keys and ORDER BY on a
-- flakeid column take it (the default class), and serve id = 5, id = $1 (bigint),
-- id BETWEEN flakeid_min_id(...) AND flakeid_max_id(...) and prune partitions with every
-- operator above. Its support functions are bigint's (btint8cmp, btint84cmp, btint48cmp,
-- btint8sortsupport, in_range_int8_int8 for RANGE window frames, btequalimage for
-- deduplication). bigint's own bigint-with-bigint operators are not added: a second
-- btree family for them would change how every bigint query in the database is planned
-- (equivalence classes compare families). So a merge join of a flakeid with a bigint
-- column is not possible; hash and nested-loop joins are.
CREATE FUNCTION @extschema@.flakeid_cmp(@extschema@.flakeid, @extschema@.flakeid) RETURNS integer
AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_cmp_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8) RETURNS integer
AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_cmp_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid) RETURNS integer
AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_cmp_flakeid_integer(@extschema@.flakeid, pg_catalog.int4) RETURNS integer
AS 'btint84cmp' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_cmp_integer_flakeid(pg_catalog.int4, @extschema@.flakeid) RETURNS integer
AS 'btint48cmp' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_sortsupport(internal) RETURNS void
AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_in_range(@extschema@.flakeid, @extschema@.flakeid, pg_catalog.int8, boolean, boolean)
RETURNS boolean
AS 'in_range_int8_int8' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_equalimage(pg_catalog.oid) RETURNS boolean
AS 'btequalimage' LANGUAGE internal IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;

CREATE OPERATOR FAMILY @extschema@.flakeid_ops USING btree;
CREATE OPERATOR CLASS @extschema@.flakeid_ops
DEFAULT FOR TYPE @extschema@.flakeid USING btree FAMILY @extschema@.flakeid_ops AS
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, @extschema@.flakeid),
    FUNCTION 1 @extschema@.flakeid_cmp(@extschema@.flakeid, @extschema@.flakeid),
    FUNCTION 2 @extschema@.flakeid_sortsupport(internal),
    FUNCTION 3 (@extschema@.flakeid, pg_catalog.int8)
        @extschema@.flakeid_in_range(@extschema@.flakeid, @extschema@.flakeid, pg_catalog.int8, boolean, boolean),
    FUNCTION 4 @extschema@.flakeid_equalimage(pg_catalog.oid);
ALTER OPERATOR FAMILY @extschema@.flakeid_ops USING btree ADD
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, pg_catalog.int8),
    FUNCTION 1 (@extschema@.flakeid, pg_catalog.int8)
        @extschema@.flakeid_cmp_flakeid_bigint(@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 1 @extschema@.< (pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 2 @extschema@.<= (pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 3 @extschema@.= (pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 4 @extschema@.>= (pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 5 @extschema@.> (pg_catalog.int8, @extschema@.flakeid),
    FUNCTION 1 (pg_catalog.int8, @extschema@.flakeid)
        @extschema@.flakeid_cmp_bigint_flakeid(pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, pg_catalog.int4),
    FUNCTION 1 (@extschema@.flakeid, pg_catalog.int4)
        @extschema@.flakeid_cmp_flakeid_integer(@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 1 @extschema@.< (pg_catalog.int4, @extschema@.flakeid),
    OPERATOR 2 @extschema@.<= (pg_catalog.int4, @extschema@.flakeid),
    OPERATOR 3 @extschema@.= (pg_catalog.int4, @extschema@.flakeid),
    OPERATOR 4 @extschema@.>= (pg_catalog.int4, @extschema@.flakeid),
    OPERATOR 5 @extschema@.> (pg_catalog.int4, @extschema@.flakeid),
    FUNCTION 1 (pg_catalog.int4, @extschema@.flakeid)
        @extschema@.flakeid_cmp_integer_flakeid(pg_catalog.int4, @extschema@.flakeid),
    -- Comparison functions only (no operators): an index scan sorts and merges the values
    -- of id IN (...) and id = ANY (array) by their own type's comparison in the family.
    FUNCTION 1 (pg_catalog.int8, pg_catalog.int8) pg_catalog.btint8cmp(pg_catalog.int8, pg_catalog.int8),
    FUNCTION 1 (pg_catalog.int4, pg_catalog.int4) pg_catalog.btint4cmp(pg_catalog.int4, pg_catalog.int4),
    FUNCTION 1 (pg_catalog.int8, pg_catalog.int4) pg_catalog.btint84cmp(pg_catalog.int8, pg_catalog.int4),
    FUNCTION 1 (pg_catalog.int4, pg_catalog.int8) pg_catalog.btint48cmp(pg_catalog.int4, pg_catalog.int8);

-- The hash operator family: hash indexes, hash partition keys (the same partitions as
-- bigint's: the same hash functions), hash joins and hash aggregates. A flakeid hashes
-- with bigint's own hashint8 and hashint8extended (a flakeid is binary a bigint), not with
-- copies of them declared on flakeid: PostgreSQL hashes the array of id = ANY (constant
-- array), and of id IN (...) of bigint literals, only when both sides' hash functions are
-- one function (with copies it scanned the array for every row, 25 times bigint's time
-- for 2000 keys against 200 000 rows). bigint's and integer's hash functions join the
-- family (functions only, no bigint operators), so that a flakeid hashes against a bigint
-- or an integer as bigint does against integer.
CREATE OPERATOR FAMILY @extschema@.flakeid_hash_ops USING hash;
CREATE OPERATOR CLASS @extschema@.flakeid_hash_ops
DEFAULT FOR TYPE @extschema@.flakeid USING hash FAMILY @extschema@.flakeid_hash_ops AS
    OPERATOR 1 @extschema@.= (@extschema@.flakeid, @extschema@.flakeid),
    FUNCTION 1 (@extschema@.flakeid, @extschema@.flakeid) pg_catalog.hashint8(pg_catalog.int8),
    FUNCTION 2 (@extschema@.flakeid, @extschema@.flakeid)
        pg_catalog.hashint8extended(pg_catalog.int8, pg_catalog.int8);
ALTER OPERATOR FAMILY @extschema@.flakeid_hash_ops USING hash ADD
    OPERATOR 1 @extschema@.= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 1 @extschema@.= (pg_catalog.int8, @extschema@.flakeid),
    OPERATOR 1 @extschema@.= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 1 @extschema@.= (pg_catalog.int4, @extschema@.flakeid),
    FUNCTION 1 pg_catalog.hashint8(pg_catalog.int8),
    FUNCTION 2 pg_catalog.hashint8extended(pg_catalog.int8, pg_catalog.int8),
    FUNCTION 1 pg_catalog.hashint4(pg_catalog.int4),
    FUNCTION 2 pg_catalog.hashint4extended(pg_catalog.int4, pg_catalog.int8);

-- The BRIN minmax operator family, for block range indexes on a flakeid key (time-ordered
-- keys suit them): PostgreSQL's minmax support functions, which compare through the
-- family's own operators above.
CREATE OPERATOR FAMILY @extschema@.flakeid_minmax_ops USING brin;
CREATE OPERATOR CLASS @extschema@.flakeid_minmax_ops
DEFAULT FOR TYPE @extschema@.flakeid USING brin FAMILY @extschema@.flakeid_minmax_ops AS
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, @extschema@.flakeid),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, @extschema@.flakeid),
    FUNCTION 1 pg_catalog.brin_minmax_opcinfo(internal),
    FUNCTION 2 pg_catalog.brin_minmax_add_value(internal, internal, internal, internal),
    FUNCTION 3 pg_catalog.brin_minmax_consistent(internal, internal, internal),
    FUNCTION 4 pg_catalog.brin_minmax_union(internal, internal, internal);
ALTER OPERATOR FAMILY @extschema@.flakeid_minmax_ops USING brin ADD
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, pg_catalog.int8),
    OPERATOR 1 @extschema@.< (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 2 @extschema@.<= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 3 @extschema@.= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 4 @extschema@.>= (@extschema@.flakeid, pg_catalog.int4),
    OPERATOR 5 @extschema@.> (@extschema@.flakeid, pg_catalog.int4);

-- max() and min() of flakeid keys, as flakeid (issue 24): the largest key of a table
-- written into JSON stays a string, as the keys themselves do, and max(id) on a flakeid
-- column is an exact match that no role creating in a later schema on the search_path
-- can shadow (through the cast it was bigint's max, no exact match). PostgreSQL's own
-- int8larger and int8smaller, declared on flakeid; the sort operators let the planner
-- read max(id) and min(id) from the key's index, as it does for bigint.
CREATE FUNCTION @extschema@.flakeid_larger(@extschema@.flakeid, @extschema@.flakeid)
RETURNS @extschema@.flakeid
AS 'int8larger' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.flakeid_smaller(@extschema@.flakeid, @extschema@.flakeid)
RETURNS @extschema@.flakeid
AS 'int8smaller' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE @extschema@.max(@extschema@.flakeid) (
    SFUNC = @extschema@.flakeid_larger,
    STYPE = @extschema@.flakeid,
    COMBINEFUNC = @extschema@.flakeid_larger,
    SORTOP = OPERATOR(@extschema@.>),
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.min(@extschema@.flakeid) (
    SFUNC = @extschema@.flakeid_smaller,
    STYPE = @extschema@.flakeid,
    COMBINEFUNC = @extschema@.flakeid_smaller,
    SORTOP = OPERATOR(@extschema@.<),
    PARALLEL = SAFE);
