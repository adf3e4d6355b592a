-- 32_guard_replaced: ways around the guard's trigger that flakeid_guarded_tables and the
-- event trigger flakeid_guard_ddl must see (attack19 H3, H4, H5).
-- H3: the owner of a partitioned table replaces, through CREATE OR REPLACE TRIGGER on the
--     parent, the guard of a partition it holds only the TRIGGER privilege on: PostgreSQL
--     clones the parent's trigger onto the partition and reports only the parent's.
-- H4: a guard with a WHEN condition or an UPDATE OF column list lets rows pass unchecked:
--     the view must not call it guarding; a key column with a backslash shows as it is.
-- H5: the hints print the key column quoted as a literal, the messages as a name: a column
--     named like SQL cannot end the quotes.
CREATE ROLE regress_parent_owner;
GRANT CREATE ON SCHEMA public TO regress_parent_owner;
SET flakeid.layout = 'twitter';

-- ---- H3 ----------------------------------------------------------------------------------
SET ROLE regress_parent_owner;
CREATE TABLE public.pp (id bigint NOT NULL) PARTITION BY RANGE (id);
CREATE FUNCTION public.parent_trg() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RETURN NEW; END $$;
RESET ROLE;
CREATE TABLE public.pp_1 (id bigint NOT NULL);          -- the superuser's own partition
ALTER TABLE public.pp ATTACH PARTITION public.pp_1 FOR VALUES FROM (0) TO (MAXVALUE);
SELECT flakeid_guard(regclass 'public.pp_1');
GRANT TRIGGER ON public.pp_1 TO regress_parent_owner;   -- the TRIGGER privilege only
SET ROLE regress_parent_owner;
CREATE OR REPLACE TRIGGER flakeid_guard BEFORE INSERT ON public.pp
FOR EACH ROW EXECUTE FUNCTION public.parent_trg();
-- A trigger of another name runs no guard and is left alone.
CREATE TRIGGER other BEFORE INSERT ON public.pp FOR EACH ROW EXECUTE FUNCTION public.parent_trg();
RESET ROLE;
SELECT tgrelid::regclass AS relation, tgname, tgfoid::regproc AS function, tgenabled
  FROM pg_trigger WHERE tgrelid IN ('public.pp'::regclass, 'public.pp_1'::regclass)
 ORDER BY 1::text, 2;
SELECT relation, key_column, enabled, guarding FROM flakeid_guarded_tables ORDER BY 1::text;
DROP TABLE public.pp;
DROP FUNCTION public.parent_trg();

-- ---- H4 ----------------------------------------------------------------------------------
CREATE TABLE public.w_when (id bigint PRIMARY KEY, other bigint);
CREATE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON public.w_when FOR EACH ROW
WHEN (false) EXECUTE FUNCTION flakeid_guard_trigger('id');
ALTER TABLE public.w_when ENABLE ALWAYS TRIGGER flakeid_guard;
CREATE TABLE public.w_of (id bigint PRIMARY KEY, other bigint);
CREATE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE OF other ON public.w_of FOR EACH ROW
EXECUTE FUNCTION flakeid_guard_trigger('id');
ALTER TABLE public.w_of ENABLE ALWAYS TRIGGER flakeid_guard;
CREATE TABLE public.w_plain ("back\slash" bigint PRIMARY KEY);
SELECT flakeid_guard(regclass 'public.w_plain', name 'back\slash');
SELECT relation, key_column, enabled, guarding FROM flakeid_guarded_tables ORDER BY 1::text;
DROP TABLE public.w_when, public.w_of, public.w_plain;

-- ---- H5 ----------------------------------------------------------------------------------
\set VERBOSITY default
CREATE TABLE public.h5 ("id""'); ALTER ROLE regress_parent_owner SUPERUSER; --" bigint PRIMARY KEY);
SELECT flakeid_guard(regclass 'public.h5', name 'nope"; DROP TABLE x; --');
SELECT flakeid_guard(regclass 'public.h5',
                     name 'id"''); ALTER ROLE regress_parent_owner SUPERUSER; --');
ALTER TABLE public.h5 ENABLE TRIGGER flakeid_guard;     -- left ENABLE ORIGIN
INSERT INTO public.h5 VALUES (1);
-- The key column renamed away: the guard names it when a replicated row arrives.
ALTER TABLE public.h5 ENABLE ALWAYS TRIGGER flakeid_guard;
ALTER TABLE public.h5 RENAME COLUMN "id""'); ALTER ROLE regress_parent_owner SUPERUSER; --" TO id;
SELECT pg_replication_origin_create('regress_h5') > 0 AS origin_made;
SELECT pg_replication_origin_session_setup('regress_h5');
INSERT INTO public.h5 VALUES (2);
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_drop('regress_h5');
DROP TABLE public.h5;

RESET flakeid.layout;
REVOKE CREATE ON SCHEMA public FROM regress_parent_owner;
DROP ROLE regress_parent_owner;
