-- flakeid 1.2 -> 1.3: new features on the 1.2 core, each in its own section below.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "ALTER EXTENSION flakeid UPDATE TO '1.3'" to load this file. \quit

-- ---- The replication guard: a node id seen from two origins is refused --------------

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

-- Guards a table: a BEFORE INSERT OR UPDATE row trigger named flakeid_guard, ENABLE ALWAYS
-- so that it fires in apply workers too. Runs with the caller's rights: CREATE TRIGGER and
-- ALTER TABLE check them. Calling it again replaces the trigger (e.g. another key column).
CREATE FUNCTION @extschema@.flakeid_guard(tbl regclass, key_column name DEFAULT 'id')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key_type regtype;
    node_bits integer;
BEGIN
    SELECT a.atttypid::regtype INTO key_type FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = key_column AND a.attnum > 0
      AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'flakeid_guard: table % has no column "%"', tbl, key_column
            USING ERRCODE = 'undefined_column',
                  HINT = 'Name the column that holds the flakeid keys: '
                         'SELECT flakeid_guard(''table'', ''key_column'').';
    END IF;
    IF key_type <> 'bigint'::regtype THEN
        RAISE EXCEPTION 'flakeid_guard: column "%" of table % is %, not bigint',
                key_column, tbl, key_type
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'flakeid keys are bigint; the guard reads nothing else.';
    END IF;
    SELECT c.datacenter_bits + c.machine_bits INTO node_bits
    FROM @extschema@.flakeid_capacity() c;
    IF node_bits = 0 THEN
        RAISE EXCEPTION 'flakeid_guard: the layout of this database has no node bits, so the '
                        'guard cannot tell servers apart'
            USING ERRCODE = 'FL013',
                  DETAIL = format('flakeid.layout is %s here.',
                                  pg_catalog.current_setting('flakeid.layout')),
                  HINT = 'Set the layout the publishers make IDs with first: ALTER DATABASE '
                         '... SET flakeid.layout = ''...''.';
    END IF;
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON %s '
        'FOR EACH ROW EXECUTE FUNCTION @extschema@.flakeid_guard_trigger(%L)',
        tbl, key_column);
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER flakeid_guard', tbl);
END
$$;

-- The bindings, with the name each origin's subscription has now (or had when it bound).
CREATE VIEW @extschema@.flakeid_guard_bindings AS
SELECT b.layout, b.datacenter_id, b.machine_id, b.origin,
       coalesce(s.subname::text, b.subscription) AS subscription,
       s.oid IS NOT NULL AS subscription_exists,
       b.first_table, b.first_seen
FROM @extschema@.flakeid_guard_binding b
LEFT JOIN pg_catalog.pg_subscription s ON b.origin = 'pg_' || s.oid::text;
GRANT SELECT ON @extschema@.flakeid_guard_bindings TO PUBLIC;

-- Forgets the bindings of a node (under every layout), for a node that really moved to
-- another server; returns how many were forgotten. The next row of the node binds it anew.
CREATE FUNCTION @extschema@.flakeid_guard_forget(datacenter_id integer, machine_id integer)
RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (
        DELETE FROM @extschema@.flakeid_guard_binding b
        WHERE b.datacenter_id = $1 AND b.machine_id = $2
        RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
REVOKE ALL ON FUNCTION @extschema@.flakeid_guard_forget(integer, integer) FROM PUBLIC;

-- ---- Shards and time partitions: the node of an ID, the width of a time span ---------

-- ---- Moving an existing table to flakeid ---------------------------------------------
