-- 16_guard_raised_rights: attack 3 of issue 19, as the issue writes it. A role with no
-- rights but CREATE on public and the replication origin functions plants its own
-- operators ||(text, text) and =(text, text) (and =(integer, integer)) in public, puts
-- public first in its search_path, sets up a replication origin and inserts rows of two
-- nodes into a table it guarded itself. The guard reads and writes flakeid's binding
-- table with rights the role does not have: none of the role's operators may run there.
-- Each decoy records that it ran, and tries to make the role a superuser.
SELECT current_user AS admin \gset
CREATE ROLE regress_hostile LOGIN;
-- The database's layout has node bits (the guard needs them): set for the role here.
ALTER ROLE regress_hostile SET flakeid.layout = 'twitter';
GRANT CREATE ON SCHEMA public TO regress_hostile;
GRANT EXECUTE ON FUNCTION pg_replication_origin_create(text),
                          pg_replication_origin_session_setup(text),
                          pg_replication_origin_session_reset() TO regress_hostile;

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
SELECT flakeid_guard('public.hostile_keys');
SET search_path = public, pg_catalog;
-- The decoys are live: under this search_path the role's own || runs.
SELECT 'decoys ' || 'live' AS control;
SELECT pg_catalog.pg_replication_origin_create('regress_hostile_origin') OPERATOR(pg_catalog.>) 0
    AS origin_made;
SELECT pg_catalog.pg_replication_origin_session_setup('regress_hostile_origin');
-- A row of node (3, 4): the guard binds the node (the binding table has no row yet).
INSERT INTO public.hostile_keys VALUES ((1000::bigint << 22) | (3 << 17) | (4 << 12) | 1);
-- A row of another node (3, 5): the binding table has a row now.
INSERT INTO public.hostile_keys VALUES ((1000::bigint << 22) | (3 << 17) | (5 << 12) | 1);
SELECT pg_catalog.pg_replication_origin_session_reset();
RESET search_path;

\c - :admin
-- The decoys never ran as anyone but the role, and the role is no superuser.
SELECT decoy, ran_as FROM public.hostile_ran WHERE ran_as <> 'regress_hostile' ORDER BY 1, 2;
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_hostile';
SELECT count(*) > 0 AS decoys_ran_for_the_role FROM public.hostile_ran
WHERE ran_as = 'regress_hostile';
-- The guard did its work: both nodes are bound to the role's origin.
SELECT datacenter_id, machine_id, origin, first_table FROM flakeid_guard_bindings
ORDER BY 1, 2;

DROP TABLE public.hostile_keys, public.hostile_ran;
DROP OPERATOR public.|| (text, text), public.= (text, text), public.= (integer, integer);
DROP FUNCTION public.hostile_cat(text, text), public.hostile_texteq(text, text),
              public.hostile_int4eq(integer, integer), public.hostile(text);
SELECT pg_replication_origin_drop('regress_hostile_origin');
TRUNCATE flakeid_guard_binding;
REVOKE CREATE ON SCHEMA public FROM regress_hostile;
REVOKE EXECUTE ON FUNCTION pg_replication_origin_create(text),
                           pg_replication_origin_session_setup(text),
                           pg_replication_origin_session_reset() FROM regress_hostile;
ALTER ROLE regress_hostile NOSUPERUSER;
DROP ROLE regress_hostile;
