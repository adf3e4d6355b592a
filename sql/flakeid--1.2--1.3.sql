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

-- The node that made an ID, under the database's current layout: its datacenter and
-- machine ids as one number, datacenter << machine_bits | machine. A router such as
-- PL/Proxy finds the shard of a key with it (RUN ON flakeid_node(id)).
CREATE FUNCTION @extschema@.flakeid_node(id bigint)
RETURNS integer
AS 'MODULE_PATHNAME', 'flakeid_node'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The node that made an ID under the layout and epoch given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_node(
    id bigint, layout text, epoch_ms bigint DEFAULT 1577836800000)
RETURNS integer
AS 'MODULE_PATHNAME', 'flakeid_node_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The width in IDs of a time span under the database's current layout: its whole
-- milliseconds << (datacenter + machine + sequence bits). The integer interval of ID range
-- partitions that each hold that span of time (pg_partman's p_interval).
CREATE FUNCTION @extschema@.flakeid_span(span interval)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_span'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- The width in IDs of a time span under the layout given: IMMUTABLE.
CREATE FUNCTION @extschema@.flakeid_span(span interval, layout text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_span_with'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---- Moving an existing table to flakeid ---------------------------------------------

-- flakeid_adopt(tbl, key_column, drop_sequence, require_unique): moves the key column of an
-- existing table, and of each of its partitions and inheritance children, from a sequence
-- default (bigserial), an identity or no default to DEFAULT flakeid_next(), in the
-- caller's transaction. It takes the ACCESS EXCLUSIVE lock ALTER TABLE takes, then checks
-- everything before it changes anything: every refusal leaves the tables as they were.
-- Returns one row per table: its key's previous default, the old sequence and what became
-- of it. Refusals: 22004 a NULL argument, 25006 read-only, 42501 not the owner, 42809 not a
-- table or a partition alone, 42703 no such column, 42804 not bigint, 42P10 not unique, 55000 another default or
-- a session layout that differs from the database's, 2BP01 a sequence other objects use,
-- FL015 keys at or above the first flakeid key of now.
CREATE FUNCTION @extschema@.flakeid_adopt(
    tbl regclass,
    key_column name DEFAULT 'id',
    drop_sequence boolean DEFAULT true,
    require_unique boolean DEFAULT true)
RETURNS TABLE (relation regclass, previous text, sequence text, sequence_now text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $adopt$
#variable_conflict use_variable
DECLARE
  -- The default every adopted column ends with, and how pg_get_expr prints it here.
  next_fn constant regprocedure := '@extschema@.flakeid_next()';
  next_expr constant text := next_fn::regproc::text || '()';
  members oid[];          -- tbl first, then its partitions and children, parents first
  member_attnum int2[];   -- the key column's number in each member
  member_seq oid[];       -- the sequence of each member's default or identity, or 0
  member_prev text[];     -- each member's previous default, as the result shows it
  member_kind text[];     -- 'identity', 'sequence', 'none' or 'adopted'
  member_attrdef oid[];   -- each member's pg_attrdef row (0: none)
  seqs oid[] := '{}';     -- the distinct old sequences
  seq_names text[] := '{}';
  seq_fates text[] := '{}';
  copy_stmts text[] := '{}';  -- statements that remake kept identity sequences, in order
  m oid;
  seq_oid oid;
  i int;
  k int;
  r record;
  s record;
  users text[];
  owner_col record;
  owned_here boolean;
  is_identity_seq boolean;
  max_key bigint;
  first_key bigint;
  cap record;
  layout_now text;
  layout_start text;
  epoch_now text;
  epoch_start text;
  fits text;
  fit_epoch_ms bigint;
  fit_span bigint;
  fit_hint text;
  stmt text;
BEGIN
  IF tbl IS NULL OR key_column IS NULL OR drop_sequence IS NULL OR require_unique IS NULL THEN
    RAISE EXCEPTION 'flakeid_adopt() takes no NULL argument'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Name the table and its key column; drop_sequence and require_unique are true or false.';
  END IF;
  IF current_setting('transaction_read_only')::boolean THEN
    RAISE EXCEPTION 'cannot adopt table % in a read-only transaction', tbl
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'Call flakeid_adopt() in a read-write transaction on the primary server.';
  END IF;

  -- The owner first, before the lock: a role that may not alter the table does not queue
  -- behind (and in front of) its users.
  SELECT c.relowner::regrole AS owner, c.relkind, c.relispartition INTO r FROM pg_class c WHERE c.oid = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table with OID % does not exist', tbl::oid
      USING ERRCODE = 'undefined_table', HINT = 'Name an existing table.';
  END IF;
  IF r.relkind NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', tbl
      USING ERRCODE = 'wrong_object_type',
            HINT = 'flakeid_adopt() takes an ordinary or a partitioned table, not a view, a foreign table or a sequence.';
  END IF;
  -- Rows inserted through the parent take the parent's default: a partition alone would
  -- keep them on the old one.
  IF r.relispartition THEN
    RAISE EXCEPTION '% is a partition of %', tbl,
                    (SELECT h.inhparent::regclass FROM pg_inherits h WHERE h.inhrelid = tbl)
      USING ERRCODE = 'wrong_object_type',
            DETAIL = 'Rows inserted through the partitioned table take its default, not the partition''s.',
            HINT = 'Adopt the partitioned table at the top: flakeid_adopt() sets the default on it and on every partition.';
  END IF;
  IF NOT pg_has_role(r.owner::oid, 'USAGE') THEN
    RAISE EXCEPTION 'must be owner of table % to adopt it', tbl
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = format('flakeid_adopt() alters the table, which only its owner (%s), a member of that role or a superuser may do.', r.owner),
            HINT = 'Privileges on the table are not enough: call it as the owner.';
  END IF;

  -- The lock ALTER TABLE takes, on the table and every partition and child; then look.
  EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', tbl);

  WITH RECURSIVE tree(relid, depth) AS (
    SELECT tbl::oid, 0
    UNION ALL
    SELECT h.inhrelid, t.depth + 1 FROM pg_inherits h JOIN tree t ON h.inhparent = t.relid)
  SELECT array_agg(relid ORDER BY depth, relid) INTO members
  FROM (SELECT relid, max(depth) AS depth FROM tree GROUP BY relid) AS d;

  FOR i IN 1 .. array_length(members, 1) LOOP
    m := members[i];
    SELECT c.relkind, c.relowner::regrole AS owner, a.attnum, a.atttypid, a.attidentity,
           a.attgenerated, coalesce(d.oid, 0) AS attrdef,
           pg_get_expr(d.adbin, d.adrelid) AS default_expr
      INTO r
      FROM pg_class c
      LEFT JOIN pg_attribute a
        ON a.attrelid = c.oid AND a.attname = key_column AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
     WHERE c.oid = m;
    IF r.relkind NOT IN ('r', 'p') THEN
      RAISE EXCEPTION '% is not a table', m::regclass
        USING ERRCODE = 'wrong_object_type',
              DETAIL = format('It is a partition or child of %s.', tbl),
              HINT = 'flakeid_adopt() sets the default of every partition and child: detach this one first.';
    END IF;
    IF NOT pg_has_role(r.owner::oid, 'USAGE') THEN
      RAISE EXCEPTION 'must be owner of table % to adopt it', m::regclass
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = format('%s is a partition or child of %s, owned by %s; flakeid_adopt() alters it too.', m::regclass, tbl, r.owner),
              HINT = 'Call it as a role that owns the table and every partition and child.';
    END IF;
    IF r.attnum IS NULL THEN
      RAISE EXCEPTION 'column "%" of table % does not exist', key_column, m::regclass
        USING ERRCODE = 'undefined_column',
              HINT = 'key_column is the column''s name as stored, capitals included: ''OrderId'', not ''"OrderId"''.';
    END IF;
    IF r.atttypid <> 'int8'::regtype THEN
      RAISE EXCEPTION 'key column "%" of table % is %, not bigint', key_column, m::regclass,
                      format_type(r.atttypid, NULL)
        USING ERRCODE = 'datatype_mismatch',
              DETAIL = 'A flakeid key needs all 64 bits of a bigint.',
              HINT = format('Convert the column first (from integer, this rewrites the table): ALTER TABLE %s ALTER COLUMN %I TYPE bigint;',
                            m::regclass, key_column);
    END IF;
    IF require_unique AND NOT EXISTS (
         SELECT FROM pg_index x
          WHERE x.indrelid = m AND x.indisunique AND x.indisvalid AND x.indnkeyatts = 1
            AND x.indkey[0] = r.attnum AND x.indpred IS NULL AND x.indexprs IS NULL) THEN
      RAISE EXCEPTION 'key column "%" of table % is neither its primary key nor unique', key_column, m::regclass
        USING ERRCODE = 'invalid_column_reference',
              DETAIL = 'flakeid keys are unique when they are made, but nothing would stop the same key from being inserted twice.',
              HINT = format('Add a primary key or a unique constraint on %I alone (on every inheritance child too), or pass require_unique => false.', key_column);
    END IF;

    member_attnum[i] := r.attnum;
    member_attrdef[i] := r.attrdef;
    member_seq[i] := 0;
    IF r.attgenerated <> '' THEN
      RAISE EXCEPTION 'key column "%" of table % is a generated column', key_column, m::regclass
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'flakeid_adopt() replaces a sequence, an identity or no default; a generated column keeps its expression.';
    ELSIF r.attidentity <> '' THEN
      member_kind[i] := 'identity';
      member_prev[i] := CASE r.attidentity WHEN 'a' THEN 'GENERATED ALWAYS AS IDENTITY'
                                           ELSE 'GENERATED BY DEFAULT AS IDENTITY' END;
      -- The identity's sequence depends on its column; a partition's identity (18 and later)
      -- is its parent's.
      SELECT coalesce((SELECT dep.objid FROM pg_depend dep
                        WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                          AND dep.refobjid = m AND dep.refobjsubid = r.attnum AND dep.deptype = 'i'),
                      (SELECT member_seq[array_position(members, h.inhparent)]
                         FROM pg_inherits h WHERE h.inhrelid = m LIMIT 1), 0)
        INTO seq_oid;
      member_seq[i] := seq_oid;
    ELSIF r.default_expr IS NULL THEN
      member_kind[i] := 'none';
      member_prev[i] := 'no default';
    ELSIF r.default_expr = next_expr THEN
      member_kind[i] := 'adopted';
      member_prev[i] := 'DEFAULT ' || next_expr;
    ELSE
      -- nextval of one sequence, and nothing else.
      SELECT dep.refobjid INTO seq_oid FROM pg_depend dep JOIN pg_class c ON c.oid = dep.refobjid
       WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = r.attrdef
         AND dep.refclassid = 'pg_class'::regclass AND c.relkind = 'S';
      IF seq_oid IS NULL OR r.default_expr <> format('nextval(%L::regclass)', seq_oid::regclass::text) THEN
        RAISE EXCEPTION 'the default of column "%" of table % is neither a sequence nor flakeid_next()', key_column, m::regclass
          USING ERRCODE = 'object_not_in_prerequisite_state',
                DETAIL = format('Its default is %s.', r.default_expr),
                HINT = format('flakeid_adopt() replaces nextval() of a sequence (bigserial), an identity or no default. Drop this default first (ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT), or set DEFAULT %s yourself.',
                              m::regclass, key_column, next_expr);
      END IF;
      member_kind[i] := 'sequence';
      member_prev[i] := 'DEFAULT ' || r.default_expr;
      member_seq[i] := seq_oid;
    END IF;
    IF member_seq[i] <> 0 AND NOT member_seq[i] = ANY (seqs) THEN
      seqs := seqs || member_seq[i];
    END IF;
  END LOOP;

  -- Adopted already, every one: nothing to check, nothing to change.
  IF NOT 'adopted' <> ANY (member_kind) THEN
    FOR i IN 1 .. array_length(members, 1) LOOP
      RETURN QUERY SELECT members[i]::regclass, member_prev[i], NULL::text, NULL::text;
    END LOOP;
    RETURN;
  END IF;

  -- Each old sequence: who else uses it, and whether it can be dropped or kept.
  FOR k IN 1 .. coalesce(array_length(seqs, 1), 0) LOOP
    SELECT c.oid::regclass::text AS name, c.relowner::regrole AS owner, c.relnamespace,
           c.relpersistence, c.relacl, n.nspname, c.relname INTO s
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = seqs[k];
    seq_names[k] := s.name;
    -- The column that owns it (bigserial: 'a'; identity: 'i'), if any.
    SELECT dep.refobjid, dep.refobjsubid, dep.deptype INTO owner_col FROM pg_depend dep
     WHERE dep.classid = 'pg_class'::regclass AND dep.objid = seqs[k]
       AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i');
    is_identity_seq := FOUND AND owner_col.deptype = 'i';
    owned_here := coalesce(FOUND AND owner_col.refobjid = ANY (members)
                  AND owner_col.refobjsubid = member_attnum[array_position(members, owner_col.refobjid)], false);
    -- Everything else that depends on it: another table's default, a view, a function
    -- with a SQL-standard body, its extension, a column of another table that owns it.
    SELECT array_agg(u ORDER BY u) INTO users FROM (
      SELECT pg_describe_object(dep.classid, dep.objid, dep.objsubid) AS u FROM pg_depend dep
       WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = seqs[k]
         AND NOT (dep.classid = 'pg_attrdef'::regclass AND dep.objid = ANY (member_attrdef))
      UNION ALL
      SELECT 'owner ' || pg_describe_object(dep.refclassid, dep.refobjid, 0) FROM pg_depend dep
       WHERE dep.classid = 'pg_class'::regclass AND dep.objid = seqs[k] AND dep.deptype = 'e'
      UNION ALL
      SELECT 'owner ' || pg_describe_object('pg_class'::regclass, owner_col.refobjid, owner_col.refobjsubid)
       WHERE owner_col.refobjid IS NOT NULL AND NOT owned_here) AS e;

    IF is_identity_seq THEN
      IF users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot adopt table %: other objects use its identity sequence %', tbl, s.name
          USING ERRCODE = 'dependent_objects_still_exist',
                DETAIL = 'Used by: ' || array_to_string(users, '; ') || '.',
                HINT = 'PostgreSQL drops an identity''s sequence with the identity: change or drop those objects first.';
      END IF;
      IF drop_sequence THEN
        seq_fates[k] := 'dropped';
      ELSE
        -- An identity sequence cannot be detached: a new one of the same name, parameters,
        -- value, owner and grants takes its place.
        IF NOT has_schema_privilege(s.relnamespace, 'CREATE') THEN
          RAISE EXCEPTION 'cannot keep identity sequence %: no CREATE privilege on schema %', s.name, s.nspname::regnamespace
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'drop_sequence => false remakes an identity''s sequence as an ordinary one: it needs CREATE on its schema, or pass drop_sequence => true.';
        END IF;
        SELECT format('CREATE %sSEQUENCE %I.%I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %sCYCLE',
                      CASE s.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, s.nspname, s.relname,
                      format_type(q.seqtypid, NULL), q.seqincrement, q.seqmin, q.seqmax, q.seqstart,
                      q.seqcache, CASE WHEN q.seqcycle THEN '' ELSE 'NO ' END)
          INTO stmt FROM pg_sequence q WHERE q.seqrelid = seqs[k];
        copy_stmts := copy_stmts || stmt;
        EXECUTE format('SELECT format(''SELECT pg_catalog.setval(%%L, %%s, %%L)'', %L, last_value, is_called) FROM %s',
                       s.name, s.name) INTO stmt;
        copy_stmts := copy_stmts || stmt;
        IF s.owner::oid <> current_user::regrole::oid THEN
          copy_stmts := copy_stmts || format('ALTER SEQUENCE %s OWNER TO %s', s.name, s.owner);
        END IF;
        copy_stmts := copy_stmts || ARRAY(
          SELECT format('GRANT %s ON SEQUENCE %s TO %s%s', a.privilege_type, s.name,
                        CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                        CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
            FROM aclexplode(s.relacl) a WHERE a.grantee <> s.owner::oid);
        seq_fates[k] := 'kept, remade as an ordinary sequence owned by no column';
      END IF;
    ELSIF drop_sequence THEN
      IF users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot drop sequence %: other objects use it', s.name
          USING ERRCODE = 'dependent_objects_still_exist',
                DETAIL = 'Used by: ' || array_to_string(users, '; ') || '.',
                HINT = 'Pass drop_sequence => false to keep it for them: flakeid_adopt() then leaves it in place, owned by no column of this table.';
      END IF;
      IF NOT pg_has_role(s.owner::oid, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of sequence % to drop it', s.name
          USING ERRCODE = 'insufficient_privilege',
                HINT = format('Call it as the owner of the sequence (%s), or pass drop_sequence => false.', s.owner);
      END IF;
      seq_fates[k] := 'dropped';
    ELSIF owned_here THEN
      IF NOT pg_has_role(s.owner::oid, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of sequence % to detach it from its column', s.name
          USING ERRCODE = 'insufficient_privilege',
                HINT = format('Call it as the owner of the sequence (%s).', s.owner);
      END IF;
      seq_fates[k] := 'kept, owned by no column';
    ELSE
      seq_fates[k] := 'kept';
    END IF;
  END LOOP;

  -- The keys: every one must lie below the first flakeid key of now, under the layout and
  -- epoch new sessions of this database get (those this session started with).
  SELECT * INTO cap FROM @extschema@.flakeid_capacity();
  layout_now := current_setting('flakeid.layout');
  epoch_now := current_setting('flakeid.epoch');
  SELECT g.reset_val INTO layout_start FROM pg_settings g WHERE g.name = 'flakeid.layout';
  SELECT g.reset_val INTO epoch_start FROM pg_settings g WHERE g.name = 'flakeid.epoch';
  IF layout_now IS DISTINCT FROM layout_start OR epoch_now IS DISTINCT FROM epoch_start THEN
    RAISE EXCEPTION 'this session''s flakeid layout and epoch (%, %) are not those it started with (%, %)',
                    layout_now, epoch_now, layout_start, epoch_start
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'flakeid_adopt() checks the table''s keys under the layout and epoch its new rows will be made with: the database''s, as a new session gets them.',
            HINT = 'RESET flakeid.layout; RESET flakeid.epoch; or set them for the database (ALTER DATABASE ... SET) and connect again.';
  END IF;
  EXECUTE format('SELECT max(%I) FROM %s', key_column, tbl) INTO max_key;
  first_key := @extschema@.flakeid_min_id(now());
  IF max_key >= first_key THEN
    -- Which presets would fit with this epoch, and which epoch with this layout.
    SELECT string_agg(l.name, ', ' ORDER BY l.name) INTO fits
      FROM @extschema@.flakeid_layouts() l
     WHERE max_key < @extschema@.flakeid_min_id(now(), l.name,
                                               (extract(epoch FROM cap.epoch) * 1000)::bigint);
    -- min_id(now, layout, epoch) = (now_ms - epoch_ms) << (D + M + S) lies above max_key
    -- when now_ms - epoch_ms > max_key >> (D + M + S), within the layout's T bits.
    fit_span := (max_key >> (cap.datacenter_bits + cap.machine_bits + cap.sequence_bits)) + 1;
    fit_epoch_ms := floor(extract(epoch FROM now()) * 1000)::bigint - fit_span;
    IF fit_epoch_ms >= 0 AND fit_span < 2::numeric ^ cap.timestamp_bits THEN
      fit_hint := format('under %s, an epoch at or before %s would', cap.layout,
                         to_char((timestamptz 'epoch' + fit_epoch_ms * interval '1 millisecond')
                                   AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '+00');
    END IF;
    RAISE EXCEPTION 'the largest key of table %, %, is not below the first flakeid key of now, %', tbl, max_key, first_key
      USING ERRCODE = 'FL015',
            DETAIL = format('Under layout %s and epoch %s, new keys would sort below old ones and could collide with them.',
                            cap.layout, to_char(cap.epoch AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '+00'),
            HINT = CASE WHEN fits IS NULL AND fit_hint IS NULL
                     THEN 'No preset layout fits these keys with this epoch, nor any epoch since 1970 under this layout: keep the sequence.'
                   ELSE concat_ws('; ',
                          CASE WHEN fits IS NOT NULL THEN format('With this epoch, these layouts would fit: %s', fits) END,
                          fit_hint)
                        || '. Layout and epoch are set per database (ALTER DATABASE ... SET flakeid.layout, flakeid.epoch) and decode every flakeid key in it: change them only where it has made none.'
                   END;
  END IF;

  -- Nothing refused: change. Identities first (on 18, dropping a partitioned table's
  -- identity drops its partitions' too).
  FOR i IN 1 .. array_length(members, 1) LOOP
    IF EXISTS (SELECT FROM pg_attribute a
                WHERE a.attrelid = members[i] AND a.attnum = member_attnum[i] AND a.attidentity <> '') THEN
      EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP IDENTITY', members[i]::regclass, key_column);
    END IF;
  END LOOP;
  EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', tbl, key_column, next_expr);
  FOR k IN 1 .. coalesce(array_length(seqs, 1), 0) LOOP
    IF seq_fates[k] = 'dropped' AND to_regclass(seq_names[k]) IS NOT NULL THEN
      EXECUTE format('DROP SEQUENCE %s', seq_names[k]);
    ELSIF seq_fates[k] = 'kept, owned by no column' THEN
      EXECUTE format('ALTER SEQUENCE %s OWNED BY NONE', seq_names[k]);
    END IF;
  END LOOP;
  FOREACH stmt IN ARRAY copy_stmts LOOP
    EXECUTE stmt;
  END LOOP;

  -- Every member ends with the default and no identity, or this is a bug: undo it all.
  FOR i IN 1 .. array_length(members, 1) LOOP
    IF NOT EXISTS (SELECT FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE a.attrelid = members[i] AND a.attnum = member_attnum[i] AND a.attidentity = ''
                      AND pg_get_expr(d.adbin, d.adrelid) = next_expr) THEN
      RAISE EXCEPTION 'flakeid_adopt() left column "%" of table % without DEFAULT %', key_column, members[i]::regclass, next_expr
        USING ERRCODE = 'internal_error', HINT = 'Nothing was changed. Please report this as a bug of flakeid.';
    END IF;
    RETURN QUERY SELECT members[i]::regclass, member_prev[i],
                        seq_names[array_position(seqs, member_seq[i])],
                        seq_fates[array_position(seqs, member_seq[i])];
  END LOOP;
END
$adopt$;
