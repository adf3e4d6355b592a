-- 31_guard_raised_rights: who may bind a node, and attack 3 of issue 19.
-- The first replication origin that brings a node is bound to it, for every guarded table of
-- the database: a binding decides which subscriptions' rows are refused. Only a logical
-- replication worker of the subscription whose origin it is, when the subscription's owner
-- may INSERT into flakeid_guard_binding, or a session whose role may (a superuser, a granted
-- role), makes one; any other writer of a row of an unbound node is refused (FL013) and binds
-- nothing. A role with only the replication origin functions used to bind any node through a
-- TEMP table it guarded itself (attack19 H1), and a superuser's subscription then looped on
-- FL013 for that node in every guarded table.
-- Then attack 3, as the issue writes it: the role plants its own operators ||(text, text) and
-- =(text, text) (and =(integer, integer)) in public, puts public first in its search_path and
-- inserts rows of two nodes into a table it guarded itself. The guard reads, refuses and (once
-- the role is granted the binding table) writes with rights the role does not have: none of
-- the role's operators may run there. Each decoy records that it ran, and tries to make the
-- role a superuser.
SELECT current_user AS admin \gset
CREATE ROLE regress_hostile LOGIN;
-- The database's layout has node bits (the guard needs them): set for the role here.
ALTER ROLE regress_hostile SET flakeid.layout = 'twitter';
GRANT EXECUTE ON FUNCTION pg_replication_origin_create(text),
                          pg_replication_origin_session_setup(text),
                          pg_replication_origin_session_reset() TO regress_hostile;
SELECT pg_replication_origin_create('regress_admin_origin') > 0 AS admin_origin_made;

-- ---- H1: only the origin functions, a TEMP table of its own: refused, nothing bound ----------
\c - regress_hostile
SELECT has_schema_privilege('public', 'CREATE') AS may_create_in_public,
       has_table_privilege('flakeid_guard_binding', 'INSERT') AS may_bind;
CREATE TEMP TABLE own_temp (id bigint);
SELECT flakeid_guard(regclass 'pg_temp.own_temp');
SELECT pg_replication_origin_session_setup('regress_admin_origin');
-- A key of node (1, 2), which no origin has brought yet (terse: the detail names the
-- session's pg_temp schema; the whole error shows below, for public.hostile_keys).
\set VERBOSITY terse
INSERT INTO own_temp VALUES ((1000::bigint << 22) | (1 << 17) | (2 << 12) | 1);
\set VERBOSITY default
SELECT pg_replication_origin_session_reset();
DROP TABLE own_temp;
\c - :admin
SELECT count(*) AS bindings FROM flakeid_guard_bindings;
-- A node bound by a trusted writer is checked for the role without any right: its rows of
-- the bound origin pass, rows of another origin are refused as a clash.
SET flakeid.layout = 'twitter';
CREATE TABLE public.admin_keys (id bigint PRIMARY KEY);
SELECT flakeid_guard(regclass 'public.admin_keys');
SELECT pg_replication_origin_session_setup('regress_admin_origin');
INSERT INTO public.admin_keys VALUES ((1000::bigint << 22) | (1 << 17) | (2 << 12) | 1);
SELECT pg_replication_origin_session_reset();
RESET flakeid.layout;
GRANT INSERT ON public.admin_keys TO regress_hostile;
\c - regress_hostile
SELECT pg_replication_origin_session_setup('regress_admin_origin');
INSERT INTO public.admin_keys VALUES ((1000::bigint << 22) | (1 << 17) | (2 << 12) | 2);
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_create('regress_other_origin') > 0 AS other_origin_made;
SELECT pg_replication_origin_session_setup('regress_other_origin');
\set VERBOSITY terse
INSERT INTO public.admin_keys VALUES ((1000::bigint << 22) | (1 << 17) | (2 << 12) | 3);
\set VERBOSITY default
SELECT pg_replication_origin_session_reset();
\c - :admin
SELECT datacenter_id, machine_id, origin, first_table FROM flakeid_guard_bindings
ORDER BY 1, 2;
SELECT count(*) AS admin_keys FROM public.admin_keys;
DROP TABLE public.admin_keys;
SELECT pg_replication_origin_drop('regress_other_origin');
TRUNCATE flakeid_guard_binding;

-- ---- Attack 3: the role's decoys, with CREATE on public -------------------------------------
GRANT CREATE ON SCHEMA public TO regress_hostile;
\c - regress_hostile
-- What ran, and as whom.
CREATE TABLE public.hostile_ran (decoy text, ran_as name);
GRANT INSERT ON public.hostile_ran TO PUBLIC;
-- A decoy: records that it ran and, when it runs as a superuser, makes the role one.
CREATE FUNCTION public.hostile(decoy text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.hostile_ran VALUES (decoy, CURRENT_USER);
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles
               WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER AND rolsuper) THEN
        EXECUTE 'ALTER ROLE regress_hostile SUPERUSER';
    END IF;
END $$;
CREATE FUNCTION public.hostile_cat(a text, b text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.hostile('||(text, text)');
    RETURN pg_catalog.textcat(a, b);
END $$;
CREATE FUNCTION public.hostile_texteq(a text, b text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.hostile('=(text, text)');
    RETURN pg_catalog.texteq(a, b);
END $$;
CREATE FUNCTION public.hostile_int4eq(a integer, b integer) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.hostile('=(integer, integer)');
    RETURN pg_catalog.int4eq(a, b);
END $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_cat);
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.hostile_texteq);
CREATE OPERATOR public.= (LEFTARG = integer, RIGHTARG = integer,
                          FUNCTION = public.hostile_int4eq);
-- Its own table, guarded by itself (the table's owner may).
CREATE TABLE public.hostile_keys (id bigint PRIMARY KEY);
SELECT flakeid_guard(regclass 'public.hostile_keys');
SET search_path = public, pg_catalog;
-- The decoys are live: under this search_path the role's own || runs.
SELECT 'decoys ' || 'live' AS control;
SELECT pg_catalog.pg_replication_origin_create('regress_hostile_origin') OPERATOR(pg_catalog.>) 0
    AS origin_made;
SELECT pg_catalog.pg_replication_origin_session_setup('regress_hostile_origin');
-- A row of node (3, 4): refused, the role may not bind it (the guard reads the empty
-- binding table first).
INSERT INTO public.hostile_keys VALUES ((1000::bigint << 22) | (3 << 17) | (4 << 12) | 1);
SELECT pg_catalog.pg_replication_origin_session_reset();
RESET search_path;

-- Granted the binding table, the role is trusted with the bindings: its rows bind.
\c - :admin
GRANT INSERT ON flakeid_guard_binding TO regress_hostile;
\c - regress_hostile
SET search_path = public, pg_catalog;
SELECT pg_catalog.pg_replication_origin_session_setup('regress_hostile_origin');
-- A row of node (3, 4): the guard binds the node (the binding table has no row yet).
INSERT INTO public.hostile_keys VALUES ((1000::bigint << 22) | (3 << 17) | (4 << 12) | 1);
-- A row of another node (3, 5): the binding table has a row now.
INSERT INTO public.hostile_keys VALUES ((1000::bigint << 22) | (3 << 17) | (5 << 12) | 1);
SELECT pg_catalog.pg_replication_origin_session_reset();
RESET search_path;

\c - :admin
REVOKE INSERT ON flakeid_guard_binding FROM regress_hostile;
-- The decoys never ran as anyone but the role, and the role is no superuser.
SELECT decoy, ran_as FROM public.hostile_ran WHERE ran_as <> 'regress_hostile' ORDER BY 1, 2;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_hostile';
SELECT count(*) > 0 AS decoys_ran_for_the_role FROM public.hostile_ran
WHERE ran_as = 'regress_hostile';
-- The guard did its work, once the role was granted the binding table: both nodes are
-- bound to the role's origin.
SELECT datacenter_id, machine_id, origin, first_table FROM flakeid_guard_bindings
ORDER BY 1, 2;

DROP TABLE public.hostile_keys, public.hostile_ran;
DROP OPERATOR public.|| (text, text), public.= (text, text), public.= (integer, integer);
DROP FUNCTION public.hostile_cat(text, text), public.hostile_texteq(text, text),
              public.hostile_int4eq(integer, integer), public.hostile(text);
SELECT pg_replication_origin_drop('regress_hostile_origin'),
       pg_replication_origin_drop('regress_admin_origin');
TRUNCATE flakeid_guard_binding;
REVOKE CREATE ON SCHEMA public FROM regress_hostile;
REVOKE EXECUTE ON FUNCTION pg_replication_origin_create(text),
                           pg_replication_origin_session_setup(text),
                           pg_replication_origin_session_reset() FROM regress_hostile;
ALTER ROLE regress_hostile NOSUPERUSER;
DROP ROLE regress_hostile;
