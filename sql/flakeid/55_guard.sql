-- The replication guard: a node id seen from two origins is refused.

-- Which replication origin first brought each node (datacenter, machine) under each layout
-- into this database. The guard reads and writes it as the bootstrap superuser; pg_dump
-- keeps its rows.
CREATE TABLE @extschema@.flakeid_guard_binding (
    layout text NOT NULL,
    datacenter_id integer NOT NULL CHECK (datacenter_id >= 0),
    machine_id integer NOT NULL CHECK (machine_id >= 0),
    origin text NOT NULL,
    subscription text,
    first_table text,
    first_seen timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (layout, datacenter_id, machine_id));
SELECT pg_catalog.pg_extension_config_dump('@extschema@.flakeid_guard_binding', '');
REVOKE ALL ON @extschema@.flakeid_guard_binding FROM PUBLIC;

-- The row trigger flakeid_guard() installs: refuses a replicated row whose key's node is
-- bound to another origin, or is this server's own.
CREATE FUNCTION @extschema@.flakeid_guard_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flakeid_guard_trigger'
LANGUAGE C;

-- Every change of a binding but a new one makes each backend drop its cache of bindings
-- (the guard binds with INSERT ... ON CONFLICT DO UPDATE, which fires the UPDATE statement
-- trigger too: a new binding also makes the backends re-read theirs, once each).
CREATE FUNCTION @extschema@.flakeid_guard_invalidate()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flakeid_guard_invalidate'
LANGUAGE C;
REVOKE ALL ON FUNCTION @extschema@.flakeid_guard_invalidate() FROM PUBLIC;
CREATE TRIGGER flakeid_guard_invalidate
    AFTER UPDATE OR DELETE OR TRUNCATE ON @extschema@.flakeid_guard_binding
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.flakeid_guard_invalidate();

-- flakeid_guard_checked(): the checks and the trigger of flakeid_guard(), in PL/pgSQL,
-- with the layout's node bits and the OID of flakeid_guard_trigger() as arguments; after
-- CREATE TRIGGER, the trigger is checked by OID: the extension's function, ENABLE ALWAYS.
-- Called directly, it refuses a trigger_fn that is not the extension's.
CREATE FUNCTION @extschema@.flakeid_guard_checked(
    tbl regclass, key_column name, node_bits integer, trigger_fn regprocedure)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key_type regtype;
    flakeid_type regtype;
BEGIN
    IF NOT EXISTS (
         SELECT FROM pg_depend dep JOIN pg_proc p ON p.oid = dep.objid
          WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = trigger_fn
            AND dep.refclassid = 'pg_extension'::regclass AND dep.deptype = 'e'
            AND dep.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'flakeid')
            AND p.proname = 'flakeid_guard_trigger' AND p.pronargs = 0) THEN
        RAISE EXCEPTION 'flakeid_guard_checked() installs flakeid_guard_trigger() only, not %',
                trigger_fn
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Call flakeid_guard(), which passes it.';
    END IF;
    SELECT a.atttypid::regtype INTO key_type FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = key_column AND a.attnum > 0
      AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'flakeid_guard: table % has no column %', tbl,
                format('"%s"', replace(key_column, '"', '""'))
            USING ERRCODE = 'undefined_column',
                  HINT = 'Name the column that holds the flakeid keys: '
                         'SELECT flakeid_guard(regclass ''table'', name ''key_column'').';
    END IF;
    -- bigint, or the extension's own flakeid type: its member (pg_depend), not a type or
    -- domain of that name in another schema. IS DISTINCT FROM: with no flakeid type found,
    -- any other type is refused.
    SELECT t.oid INTO flakeid_type FROM pg_depend dep JOIN pg_type t ON t.oid = dep.objid
     WHERE dep.classid = 'pg_type'::regclass AND dep.refclassid = 'pg_extension'::regclass
       AND dep.deptype = 'e' AND t.typname = 'flakeid' AND t.typtype = 'b'
       AND dep.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'flakeid');
    IF key_type <> 'bigint'::regtype AND key_type IS DISTINCT FROM flakeid_type THEN
        RAISE EXCEPTION 'flakeid_guard: column % of table % is %, not bigint or flakeid',
                format('"%s"', replace(key_column, '"', '""')), tbl, key_type
            USING ERRCODE = 'datatype_mismatch',
                  DETAIL = format('The guard reads keys of type bigint or %s (the extension''s '
                                  'flakeid type), and nothing else.', flakeid_type),
                  HINT = 'Name the column that holds the flakeid keys: '
                         'SELECT flakeid_guard(regclass ''table'', name ''key_column'').';
    END IF;
    IF node_bits = 0 THEN
        RAISE EXCEPTION 'flakeid_guard: the layout of this database has no node bits, so the '
                        'guard cannot tell servers apart'
            USING ERRCODE = 'FL013',
                  DETAIL = format('flakeid.layout is %s here.',
                                  current_setting('flakeid.layout')),
                  HINT = 'Set the layout the publishers make IDs with first: ALTER DATABASE '
                         '... SET flakeid.layout = ''...''.';
    END IF;
    -- regproc prints the function's schema as it is named now, quoted; the check below
    -- finds out if the name led elsewhere.
    EXECUTE format(
        'CREATE OR REPLACE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON %s '
        'FOR EACH ROW EXECUTE FUNCTION %s(%L)',
        tbl, trigger_fn::regproc, key_column);
    EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER flakeid_guard', tbl);
    IF NOT EXISTS (SELECT FROM pg_trigger t
                    WHERE t.tgrelid = tbl AND t.tgname = 'flakeid_guard'
                      AND t.tgfoid = trigger_fn AND t.tgenabled = 'A') THEN
        RAISE EXCEPTION 'flakeid_guard: the trigger on % does not call %', tbl, trigger_fn
            USING ERRCODE = 'internal_error',
                  DETAIL = 'The function''s schema was renamed while the trigger was made.',
                  HINT = 'Nothing was changed. Call flakeid_guard() again.';
    END IF;
END
$$;

-- Guards a table: a BEFORE INSERT OR UPDATE row trigger named flakeid_guard, ENABLE ALWAYS
-- so that it fires in apply workers too. Runs with the caller's rights: CREATE TRIGGER and
-- ALTER TABLE check them. Calling it again replaces the trigger (e.g. another key column).
-- The entry point: binds flakeid_capacity() and flakeid_guard_trigger() by OID (see
-- 50_adopt.sql for why).
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

-- The bindings, with the name each origin's subscription has now (or had when it bound).
CREATE VIEW @extschema@.flakeid_guard_bindings AS
SELECT b.layout, b.datacenter_id, b.machine_id, b.origin,
       coalesce(s.subname::text, b.subscription) AS subscription,
       s.oid IS NOT NULL AS subscription_exists,
       b.first_table, b.first_seen
FROM @extschema@.flakeid_guard_binding b
LEFT JOIN pg_catalog.pg_subscription s ON b.origin = 'pg_' || s.oid::text;
GRANT SELECT ON @extschema@.flakeid_guard_bindings TO PUBLIC;

-- flakeid_guard_forget(): a SQL-standard body (the binding table bound by OID) and
-- SECURITY DEFINER, so that a role granted EXECUTE forgets (the binding table is the
-- extension's owner's). The body deletes the given node's bindings and
-- nothing else; EXECUTE stays revoked from PUBLIC.
CREATE FUNCTION @extschema@.flakeid_guard_forget(datacenter_id integer, machine_id integer)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.flakeid_guard_binding AS b
     WHERE b.datacenter_id OPERATOR(pg_catalog.=) flakeid_guard_forget.datacenter_id
       AND b.machine_id OPERATOR(pg_catalog.=) flakeid_guard_forget.machine_id
    RETURNING 1)
  SELECT pg_catalog.count(*)::integer FROM gone;
END;
REVOKE ALL ON FUNCTION @extschema@.flakeid_guard_forget(integer, integer) FROM PUBLIC;

-- ---- The guard's trigger: only the table's owner replaces it, and its state shows ------

-- A role with the TRIGGER privilege on a guarded table may CREATE OR REPLACE TRIGGER
-- flakeid_guard: the new trigger is ENABLE ORIGIN (only ALTER TABLE, the owner's, makes it
-- ALWAYS), so apply workers skip it, and replicated rows of a clashing node land. This
-- event trigger refuses (42501) a trigger named flakeid_guard, or one that runs
-- flakeid_guard_trigger(), made by a role that is not the table's owner (nor a member of
-- its role, nor a superuser). The function is found as the extension's member (pg_depend),
-- not by name. A trigger made on a partitioned table is cloned onto its partitions (and
-- CREATE OR REPLACE replaces a partition's trigger of that name), which
-- pg_event_trigger_ddl_commands() does not report: the clones, found through tgparentid,
-- are checked with their own tables' owners (the owner of a parent replaced
-- the guard of a partition it had only the TRIGGER privilege on).
CREATE FUNCTION @extschema@.flakeid_guard_ddl()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    guard_fn oid;
    r record;
BEGIN
    SELECT dep.objid INTO guard_fn
      FROM pg_depend dep JOIN pg_proc p ON p.oid = dep.objid
     WHERE dep.classid = 'pg_proc'::regclass AND dep.refclassid = 'pg_extension'::regclass
       AND dep.deptype = 'e' AND p.proname = 'flakeid_guard_trigger' AND p.pronargs = 0
       AND dep.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'flakeid');
    FOR r IN
        WITH RECURSIVE made(oid) AS (
            SELECT d.objid FROM pg_event_trigger_ddl_commands() AS d
             WHERE d.classid = 'pg_trigger'::regclass
            UNION
            SELECT clone.oid FROM pg_trigger clone JOIN made ON clone.tgparentid = made.oid)
        SELECT t.tgrelid::regclass AS rel, t.tgname, c.relowner::regrole AS owner
          FROM made
          JOIN pg_trigger t ON t.oid = made.oid
          JOIN pg_class c ON c.oid = t.tgrelid
         WHERE (t.tgname = 'flakeid_guard' OR t.tgfoid = guard_fn)
           AND NOT pg_has_role(c.relowner, 'USAGE')
    LOOP
        RAISE EXCEPTION 'only the owner of table % can make or replace its replication guard (trigger %)',
                r.rel, quote_ident(r.tgname)
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'A trigger that runs flakeid_guard_trigger(), or is named flakeid_guard, '
                           'is the guard: one made by another role would not be ENABLE ALWAYS, '
                           'and replicated rows would skip it.',
                  HINT = format('Ask the owner (%s) to run SELECT flakeid_guard(regclass %L).',
                                r.owner, r.rel::text);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.flakeid_guard_ddl() FROM PUBLIC;
CREATE EVENT TRIGGER flakeid_guard_ddl ON ddl_command_end
    WHEN TAG IN ('CREATE TRIGGER')
    EXECUTE FUNCTION @extschema@.flakeid_guard_ddl();

-- Every table the guard is on, or was on: each trigger named flakeid_guard or running
-- flakeid_guard_trigger() (bound here by OID), its key column and tgenabled, and whether
-- it guards (the extension's function, BEFORE INSERT OR UPDATE FOR EACH ROW, fired in apply
-- workers: ENABLE ALWAYS, or ENABLE REPLICA; with no WHEN condition and no UPDATE OF column
-- list, which would let rows pass the trigger unchecked);
-- and each table that rows bound a node from (first_table of the bindings) but that has no
-- such trigger now ('gone'). The table's owner can weaken its guard (ALTER TABLE ... ENABLE
-- TRIGGER makes it ENABLE ORIGIN, DISABLE TRIGGER, DROP TRIGGER): this shows it.
CREATE VIEW @extschema@.flakeid_guarded_tables AS
SELECT t.tgrelid::pg_catalog.regclass AS relation,
       CASE WHEN t.tgnargs OPERATOR(pg_catalog.=) 1
            THEN pg_catalog.convert_from(
                   pg_catalog.substr(t.tgargs, 1,
                                     pg_catalog.length(t.tgargs) OPERATOR(pg_catalog.-) 1),
                   pg_catalog.getdatabaseencoding())::name
       END AS key_column,
       CASE t.tgenabled WHEN 'A' THEN 'always' WHEN 'O' THEN 'origin' WHEN 'R' THEN 'replica'
                        WHEN 'D' THEN 'disabled' END AS enabled,
       ((t.tgenabled OPERATOR(pg_catalog.=) 'A' OR t.tgenabled OPERATOR(pg_catalog.=) 'R')
        AND t.tgfoid OPERATOR(pg_catalog.=) '@extschema@.flakeid_guard_trigger()'::pg_catalog.regprocedure
        AND t.tgtype OPERATOR(pg_catalog.=) 23   -- ROW | BEFORE | INSERT | UPDATE
        AND t.tgnargs OPERATOR(pg_catalog.=) 1
        AND t.tgqual IS NULL                     -- no WHEN condition
        AND pg_catalog.cardinality(t.tgattr) OPERATOR(pg_catalog.=) 0) AS guarding  -- no UPDATE OF
  FROM pg_catalog.pg_trigger t
 WHERE t.tgname OPERATOR(pg_catalog.=) 'flakeid_guard'
    OR t.tgfoid OPERATOR(pg_catalog.=) '@extschema@.flakeid_guard_trigger()'::pg_catalog.regprocedure
UNION ALL
SELECT g.relid, NULL, 'gone', false
  FROM (SELECT DISTINCT pg_catalog.to_regclass(b.first_table) AS relid
          FROM @extschema@.flakeid_guard_binding b) AS g
 WHERE g.relid IS NOT NULL
   AND NOT EXISTS (
         SELECT FROM pg_catalog.pg_trigger t
          WHERE t.tgrelid OPERATOR(pg_catalog.=) g.relid
            AND (t.tgname OPERATOR(pg_catalog.=) 'flakeid_guard'
                 OR t.tgfoid OPERATOR(pg_catalog.=) '@extschema@.flakeid_guard_trigger()'::pg_catalog.regprocedure));
GRANT SELECT ON @extschema@.flakeid_guarded_tables TO PUBLIC;
