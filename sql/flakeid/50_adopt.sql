-- Moving an existing table to flakeid: flakeid_adopt() and the two functions it calls.
--
-- Functions that bind their own names. A superuser who calls flakeid_adopt() or
-- flakeid_guard() runs their bodies with a superuser's rights, so:
--   - the extension's functions are called from SQL-standard bodies (BEGIN ATOMIC), which
--     PostgreSQL parses once, when the script runs, and stores by OID: renaming or
--     refilling a schema later changes nothing they call. flakeid_adopt() and
--     flakeid_guard() are such bodies; the checks that need PL/pgSQL (loops, dynamic SQL,
--     errors with hints) are in flakeid_adopt_checked() and flakeid_guard_checked(), which
--     call none of the extension's functions: they get what they need as arguments (the
--     capacity, the first key of now, the OID of flakeid_next() or flakeid_guard_trigger());
--   - everything else those PL/pgSQL bodies call is PostgreSQL's own, found with
--     search_path = pg_catalog, pg_temp (a function's SET): pg_catalog first, and pg_temp
--     holds no functions or operators that a lookup would find (the statements they build
--     with format() also name the catalog's functions pg_catalog.…, quote identifiers
--     with %I and print relations as regclass, which qualifies and quotes them);
--   - what they hand to ALTER TABLE or CREATE TRIGGER as text (the DEFAULT, the trigger's
--     function) is written from the OID at that moment (regproc prints the schema's
--     current name, quoted) and checked by OID afterwards, in pg_depend and pg_trigger:
--     a schema renamed in between makes the call fail, and nothing ran.

-- flakeid_adopt(tbl, key_column, drop_sequence, require_unique): moves the key column (bigint
-- or the extension's flakeid type) of an existing table, and of each of its partitions and
-- inheritance children, from a sequence default (bigserial), an identity or no default to
-- DEFAULT flakeid_next(), in the caller's transaction. It takes the ACCESS EXCLUSIVE lock
-- ALTER TABLE takes, then checks everything before it changes anything: every refusal
-- leaves the tables as they were. Returns one row per table: its key's previous default,
-- the old sequence and what became of it. Refusals: 22004 a NULL argument, 25006
-- read-only, 42501 not the owner, 42809 not a table or a partition alone, 42703 no such
-- column, 42804 neither bigint nor flakeid, 42P10 not unique, 55000 another default or a
-- session layout that differs from the database's, 2BP01 a sequence other objects use,
-- FL015 keys at or above the first flakeid key of now.
--
-- It is three functions: flakeid_adopt_hold() holds and reads by OID,
-- flakeid_adopt_checked() checks and changes, and flakeid_adopt() binds them (and the
-- extension's other functions) by OID.

-- What flakeid_adopt() reads and names, held by OID before it looks (src/pg/adopt/adopt_hold.cpp):
-- the table, its partitions and children (ACCESS EXCLUSIVE), the sequences their columns
-- use (ROW EXCLUSIVE), and the schemas of all of them and of the extension (their
-- pg_namespace rows FOR SHARE), so that no name flakeid_adopt_checked() prints from an OID
-- can be given to another object while it runs; returns the largest key, read with the
-- table access method by OID. Not LOCK TABLE <name> and SELECT max() FROM <name>, as 1.3
-- did: PostgreSQL looks a name up again after waiting for its lock, and the table's owner
-- or its schema's owner, who decide how long that wait lasts, could put a view of theirs
-- at the name. It holds nothing for a caller who does not own the table and
-- every partition and child (NULL): EXECUTE stays with PUBLIC, as for flakeid_adopt().
CREATE FUNCTION @extschema@.flakeid_adopt_hold(tbl regclass, key_column name)
RETURNS bigint
AS 'MODULE_PATHNAME', 'flakeid_adopt_hold'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;

-- flakeid_adopt_checked(): the checks and changes of flakeid_adopt(), in PL/pgSQL, with the
-- values that come from the extension's C functions as arguments. It plans, checks, then
-- applies: a record per member and per old sequence (jsonb objects) says what each one is
-- and what becomes of it, as codes; the checks refuse in the order the caller would fix
-- things, before anything changes; the result turns the codes into words.
-- Called by flakeid_adopt(), once flakeid_adopt_hold() holds the table by OID and has read
-- its largest key (largest_key); called directly, it refuses a next_fn that is not the
-- extension's flakeid_next(), and a table it does not find held (pg_locks), and the rest
-- is the caller's own table. Every relation it names as text in a statement (ALTER TABLE
-- %s, DROP SEQUENCE %s, SELECT ... FROM <sequence>) is printed from its OID while
-- flakeid_adopt_hold()'s locks are held: the name resolves to that OID, and its lock is
-- held already, so no statement waits on it and looks the name up again.
CREATE FUNCTION @extschema@.flakeid_adopt_checked(
    tbl regclass,
    key_column name,
    drop_sequence boolean,
    require_unique boolean,
    next_fn regprocedure,
    cap_layout text,
    cap_epoch timestamptz,
    cap_timestamp_bits integer,
    cap_datacenter_bits integer,
    cap_machine_bits integer,
    cap_sequence_bits integer,
    first_key bigint,
    preset_names text[],
    preset_timestamp_bits integer[],
    preset_low_bits integer[],
    largest_key bigint)
-- adopted_max: the largest key the table held, which flakeid_adopt() hands to
-- flakeid_resume_above(); NULL when every member was adopted already.
RETURNS TABLE (relation regclass, previous text, sequence text, sequence_now text,
               adopted_max bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET row_security = off
AS $adopt$
#variable_conflict use_variable
DECLARE
  -- How pg_get_expr prints the default every adopted column ends with, here: its schema's
  -- name now, quoted (pg_catalog alone is on the search path, so the name is qualified).
  -- On a flakeid column the same: the assignment cast from bigint is binary (a RelabelType
  -- that pg_get_expr does not print), and names no function.
  next_expr constant text := next_fn::regproc::text || '()';
  -- The extension's own flakeid type, the other type a key may have besides bigint: found
  -- as its member (pg_depend), never by name, so that a type or domain named flakeid in
  -- another schema is not taken for it; NULL if it has none.
  flakeid_type constant oid := (
    SELECT t.oid FROM pg_depend dep JOIN pg_type t ON t.oid = dep.objid
     WHERE dep.classid = 'pg_type'::regclass AND dep.refclassid = 'pg_extension'::regclass
       AND dep.deptype = 'e' AND t.typname = 'flakeid' AND t.typtype = 'b'
       AND dep.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'flakeid'));
  -- The plan: a record per member (tbl first, then its partitions and children, parents
  -- first) and per old sequence (in the order the members name them), as jsonb objects
  -- read back with jsonb_to_recordset(). A member's kind and a sequence's fate are codes:
  --   kind: 'identity', 'sequence' (nextval of one sequence), 'none', 'adopted' (DEFAULT
  --         flakeid_next() already), 'generated' or 'other' (another default: refused);
  --   fate: 'drop', 'detach' (kept, owned by no column), 'remake' (an identity's sequence
  --         kept as an ordinary one) or 'keep' (kept as it is);
  -- only the result turns them into the words the caller reads (adopt_previous and
  -- adopt_fate below).
  members jsonb := '[]';
  seqs jsonb := '[]';
  planned_seqs jsonb := '[]';
  copy_stmts text[] := '{}';  -- statements that remake kept identity sequences, in order
  m record;
  q record;
  r record;
  seq_oid oid;
  kind text;
  owned_by text;   -- what owns an old sequence: 'identity', 'column' or 'nothing'
  fate text;
  users text[];
  owner_col record;
  owned_here boolean;
  stmt text;
  cap record;
  max_key bigint;
  now_ms bigint;
  layout_now text;
  layout_start text;
  epoch_now text;
  epoch_start text;
  fits text;
  fit_epoch_ms bigint;
  fit_span bigint;
  fit_hint text;
BEGIN
  -- ==== The call =========================================================================
  -- The caller passes the default to set: it must be the extension's own flakeid_next().
  IF NOT EXISTS (
       SELECT FROM pg_depend dep JOIN pg_proc p ON p.oid = dep.objid
        WHERE dep.classid = 'pg_proc'::regclass AND dep.objid = next_fn
          AND dep.refclassid = 'pg_extension'::regclass AND dep.deptype = 'e'
          AND dep.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'flakeid')
          AND p.proname = 'flakeid_next' AND p.pronargs = 0) THEN
    RAISE EXCEPTION 'flakeid_adopt_checked() sets DEFAULT flakeid_next() only, not %', next_fn
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Call flakeid_adopt(), which passes it.';
  END IF;
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

  -- flakeid_adopt_hold() checked the owner before it took the lock (a role that may not
  -- alter the table does not queue behind, and in front of, its users), and held nothing
  -- if any of these checks fails: they say why.
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

  -- ==== Plan: the members ================================================================
  -- The table and every partition and child, as flakeid_adopt_hold() locked them, and what
  -- each one's key column is now. Nothing is refused here: the checks below read the plan.
  FOR m IN
    WITH RECURSIVE tree(relid, depth) AS (
      SELECT tbl::oid, 0
      UNION ALL
      SELECT h.inhrelid, t.depth + 1 FROM pg_inherits h JOIN tree t ON h.inhparent = t.relid)
    SELECT d.relid, c.relkind, c.relowner AS owner, a.attnum, a.atttypid,
           a.attidentity, a.attgenerated, coalesce(ad.oid, 0) AS attrdef,
           pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
           EXISTS (SELECT FROM pg_index x
                    WHERE x.indrelid = d.relid AND x.indisunique AND x.indisvalid AND x.indnkeyatts = 1
                      AND x.indkey[0] = a.attnum AND x.indpred IS NULL AND x.indexprs IS NULL) AS is_unique
      FROM (SELECT relid, max(depth) AS depth FROM tree GROUP BY relid) AS d
      JOIN pg_class c ON c.oid = d.relid
      LEFT JOIN pg_attribute a
        ON a.attrelid = c.oid AND a.attname = key_column AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
     ORDER BY d.depth, d.relid
  LOOP
    seq_oid := 0;
    IF m.attgenerated <> '' THEN
      kind := 'generated';
    ELSIF m.attidentity <> '' THEN
      kind := 'identity';
      -- The identity's sequence depends on its column; a partition's identity (18 and later)
      -- is its parent's.
      SELECT coalesce((SELECT dep.objid FROM pg_depend dep
                        WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
                          AND dep.refobjid = m.relid AND dep.refobjsubid = m.attnum AND dep.deptype = 'i'),
                      (SELECT p.seq FROM pg_inherits h
                         JOIN jsonb_to_recordset(members) AS p(relid oid, seq oid) ON p.relid = h.inhparent
                        WHERE h.inhrelid = m.relid LIMIT 1), 0)
        INTO seq_oid;
    ELSIF m.default_expr IS NULL THEN
      kind := 'none';
    ELSIF m.default_expr = next_expr THEN
      kind := 'adopted';
    ELSE
      -- nextval of one sequence, and nothing else.
      SELECT dep.refobjid INTO seq_oid FROM pg_depend dep JOIN pg_class c ON c.oid = dep.refobjid
       WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = m.attrdef
         AND dep.refclassid = 'pg_class'::regclass AND c.relkind = 'S';
      IF seq_oid IS NOT NULL AND m.default_expr = format('nextval(%L::regclass)', seq_oid::regclass::text) THEN
        kind := 'sequence';
      ELSE
        kind := 'other';
        seq_oid := 0;
      END IF;
    END IF;
    members := members || jsonb_build_object(
      'n', jsonb_array_length(members) + 1, 'relid', m.relid, 'relkind', m.relkind,
      'owner', m.owner, 'attnum', m.attnum, 'atttypid', m.atttypid, 'attidentity', m.attidentity, 'attrdef', m.attrdef,
      'default_expr', m.default_expr, 'is_unique', m.is_unique, 'kind', kind, 'seq', seq_oid);
  END LOOP;

  -- ==== Check: the members ===============================================================
  -- In the plan's order, each member's refusals in the order the caller would fix them.
  FOR m IN SELECT * FROM jsonb_to_recordset(members)
                      AS p(n int, relid oid, relkind "char", owner oid, attnum int2, atttypid oid,
                           default_expr text, is_unique boolean, kind text)
            ORDER BY p.n LOOP
    IF m.relkind NOT IN ('r', 'p') THEN
      RAISE EXCEPTION '% is not a table', m.relid::regclass
        USING ERRCODE = 'wrong_object_type',
              DETAIL = format('It is a partition or child of %s.', tbl),
              HINT = 'flakeid_adopt() sets the default of every partition and child: detach this one first.';
    END IF;
    IF NOT pg_has_role(m.owner, 'USAGE') THEN
      RAISE EXCEPTION 'must be owner of table % to adopt it', m.relid::regclass
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = format('%s is a partition or child of %s, owned by %s; flakeid_adopt() alters it too.', m.relid::regclass, tbl, m.owner::regrole),
              HINT = 'Call it as a role that owns the table and every partition and child.';
    END IF;
    IF m.attnum IS NULL THEN
      RAISE EXCEPTION 'column "%" of table % does not exist', key_column, m.relid::regclass
        USING ERRCODE = 'undefined_column',
              HINT = 'key_column is the column''s name as stored, capitals included: ''OrderId'', not ''"OrderId"''.';
    END IF;
    -- IS DISTINCT FROM: with no flakeid type found, a column of another type is refused.
    IF m.atttypid <> 'int8'::regtype AND m.atttypid IS DISTINCT FROM flakeid_type THEN
      RAISE EXCEPTION 'key column "%" of table % is %, not bigint or flakeid', key_column, m.relid::regclass,
                      format_type(m.atttypid, NULL)
        USING ERRCODE = 'datatype_mismatch',
              DETAIL = format('A flakeid key needs all 64 bits of a bigint: a column of type bigint or %s (the extension''s flakeid type) holds them.',
                              format_type(flakeid_type, NULL)),
              HINT = format('Convert the column first (from integer, this rewrites the table): ALTER TABLE %s ALTER COLUMN %I TYPE bigint;',
                            m.relid::regclass, key_column);
    END IF;
    IF require_unique AND NOT m.is_unique THEN
      RAISE EXCEPTION 'key column "%" of table % is neither its primary key nor unique', key_column, m.relid::regclass
        USING ERRCODE = 'invalid_column_reference',
              DETAIL = 'flakeid keys are unique when they are made, but nothing would stop the same key from being inserted twice.',
              HINT = format('Add a primary key or a unique constraint on %I alone (on every inheritance child too), or pass require_unique => false.', key_column);
    END IF;
    IF m.kind = 'generated' THEN
      RAISE EXCEPTION 'key column "%" of table % is a generated column', key_column, m.relid::regclass
        USING ERRCODE = 'object_not_in_prerequisite_state',
              HINT = 'flakeid_adopt() replaces a sequence, an identity or no default; a generated column keeps its expression.';
    ELSIF m.kind = 'other' THEN
      RAISE EXCEPTION 'the default of column "%" of table % is neither a sequence nor flakeid_next()', key_column, m.relid::regclass
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = format('Its default is %s.', m.default_expr),
              HINT = format('flakeid_adopt() replaces nextval() of a sequence (bigserial), an identity or no default. Drop this default first (ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT), or set DEFAULT %s yourself.',
                            m.relid::regclass, key_column, next_expr);
    END IF;
  END LOOP;

  -- The old sequences, once each, in the order the members name them.
  SELECT coalesce(jsonb_agg(jsonb_build_object('n', f.n, 'seq', f.seq) ORDER BY f.n), '[]') INTO seqs
    FROM (SELECT p.seq, pg_catalog.row_number() OVER (ORDER BY min(p.n)) AS n
            FROM jsonb_to_recordset(members) AS p(n int, seq oid)
           WHERE p.seq <> 0 GROUP BY p.seq) AS f;

  -- Each member held ACCESS EXCLUSIVE by this transaction, and each sequence ROW EXCLUSIVE
  -- (flakeid_adopt_hold()): otherwise a name printed below could be looked up again after
  -- a lock wait that another role controls. Refused, nothing changed.
  FOR q IN SELECT h.relid, h.mode
             FROM (SELECT 1 AS part, p.n, p.relid, 'AccessExclusiveLock' AS mode
                     FROM jsonb_to_recordset(members) AS p(n int, relid oid)
                   UNION ALL
                   SELECT 2, s.n, s.seq, 'RowExclusiveLock'
                     FROM jsonb_to_recordset(seqs) AS s(n int, seq oid)) AS h
            ORDER BY h.part, h.n LOOP
    IF NOT EXISTS (SELECT FROM pg_locks l
                    WHERE l.locktype = 'relation' AND l.relation = q.relid AND l.granted
                      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
                      AND l.pid = pg_backend_pid() AND l.mode = q.mode) THEN
      RAISE EXCEPTION 'flakeid_adopt() does not hold % locked', q.relid::regclass
        USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = 'It names the table and its sequences in statements only while it holds them by OID.',
              HINT = 'Call flakeid_adopt(), which locks them first.';
    END IF;
  END LOOP;

  -- Adopted already, every one: nothing to check, nothing to change. Otherwise:
  IF EXISTS (SELECT FROM jsonb_to_recordset(members) AS p(kind text) WHERE p.kind <> 'adopted') THEN

    -- ==== Plan and check: the old sequences ==============================================
    -- Each one: who else uses it, and whether it is dropped, detached, remade or kept.
    FOR q IN SELECT s.n, s.seq FROM jsonb_to_recordset(seqs) AS s(n int, seq oid) ORDER BY s.n LOOP
      SELECT c.oid::regclass::text AS name, c.relowner::regrole AS owner, c.relnamespace,
             c.relpersistence, c.relacl, n.nspname, c.relname INTO r
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = q.seq;
      -- The column that owns it (bigserial: 'a'; identity: 'i'), if any.
      SELECT dep.refobjid, dep.refobjsubid, dep.deptype INTO owner_col FROM pg_depend dep
       WHERE dep.classid = 'pg_class'::regclass AND dep.objid = q.seq
         AND dep.refclassid = 'pg_class'::regclass AND dep.refobjsubid > 0 AND dep.deptype IN ('a', 'i');
      owned_by := CASE WHEN NOT FOUND THEN 'nothing' WHEN owner_col.deptype = 'i' THEN 'identity' ELSE 'column' END;
      owned_here := owned_by <> 'nothing' AND EXISTS (
                      SELECT FROM jsonb_to_recordset(members) AS p(relid oid, attnum int2)
                       WHERE p.relid = owner_col.refobjid AND p.attnum = owner_col.refobjsubid);
      -- Everything else that depends on it: another table's default, a view, a function
      -- with a SQL-standard body, its extension, a column of another table that owns it.
      SELECT array_agg(u ORDER BY u) INTO users FROM (
        SELECT pg_describe_object(dep.classid, dep.objid, dep.objsubid) AS u FROM pg_depend dep
         WHERE dep.refclassid = 'pg_class'::regclass AND dep.refobjid = q.seq
           AND NOT (dep.classid = 'pg_attrdef'::regclass
                    AND dep.objid IN (SELECT p.attrdef FROM jsonb_to_recordset(members) AS p(attrdef oid)))
        UNION ALL
        SELECT 'owner ' || pg_describe_object(dep.refclassid, dep.refobjid, 0) FROM pg_depend dep
         WHERE dep.classid = 'pg_class'::regclass AND dep.objid = q.seq AND dep.deptype = 'e'
        UNION ALL
        SELECT 'owner ' || pg_describe_object('pg_class'::regclass, owner_col.refobjid, owner_col.refobjsubid)
         WHERE owned_by <> 'nothing' AND NOT owned_here) AS e;

      IF owned_by = 'identity' THEN
        IF users IS NOT NULL THEN
          RAISE EXCEPTION 'cannot adopt table %: other objects use its identity sequence %', tbl, r.name
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Used by: ' || array_to_string(users, '; ') || '.',
                  HINT = 'PostgreSQL drops an identity''s sequence with the identity: change or drop those objects first.';
        END IF;
        IF drop_sequence THEN
          fate := 'drop';
        ELSE
          -- An identity sequence cannot be detached: a new one of the same name, parameters,
          -- value, owner and grants takes its place.
          IF NOT has_schema_privilege(r.relnamespace, 'CREATE') THEN
            RAISE EXCEPTION 'cannot keep identity sequence %: no CREATE privilege on schema %', r.name, r.nspname::regnamespace
              USING ERRCODE = 'insufficient_privilege',
                    HINT = 'drop_sequence => false remakes an identity''s sequence as an ordinary one: it needs CREATE on its schema, or pass drop_sequence => true.';
          END IF;
          SELECT format('CREATE %sSEQUENCE %I.%I AS %s INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s %sCYCLE',
                        CASE r.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, r.nspname, r.relname,
                        format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqstart,
                        s.seqcache, CASE WHEN s.seqcycle THEN '' ELSE 'NO ' END)
            INTO stmt FROM pg_sequence s WHERE s.seqrelid = q.seq;
          copy_stmts := copy_stmts || stmt;
          -- By name, as PostgreSQL has no function that gives is_called by OID: the sequence
          -- is held ROW EXCLUSIVE and its schema pinned (flakeid_adopt_hold()), so the name
          -- printed from its OID above is its own, and the lock it takes is held already.
          EXECUTE format('SELECT pg_catalog.format(''SELECT pg_catalog.setval(%%L, %%s, %%L)'', %L, last_value, is_called) FROM %s',
                         r.name, r.name) INTO stmt;
          copy_stmts := copy_stmts || stmt;
          IF r.owner::oid <> current_user::regrole::oid THEN
            copy_stmts := copy_stmts || format('ALTER SEQUENCE %s OWNER TO %s', r.name, r.owner);
          END IF;
          copy_stmts := copy_stmts || ARRAY(
            SELECT format('GRANT %s ON SEQUENCE %s TO %s%s', a.privilege_type, r.name,
                          CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END,
                          CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
              FROM aclexplode(r.relacl) a WHERE a.grantee <> r.owner::oid);
          fate := 'remake';
        END IF;
      ELSIF drop_sequence THEN
        IF users IS NOT NULL THEN
          RAISE EXCEPTION 'cannot drop sequence %: other objects use it', r.name
            USING ERRCODE = 'dependent_objects_still_exist',
                  DETAIL = 'Used by: ' || array_to_string(users, '; ') || '.',
                  HINT = 'Pass drop_sequence => false to keep it for them: flakeid_adopt() then leaves it in place, owned by no column of this table.';
        END IF;
        IF NOT pg_has_role(r.owner::oid, 'USAGE') THEN
          RAISE EXCEPTION 'must be owner of sequence % to drop it', r.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Call it as the owner of the sequence (%s), or pass drop_sequence => false.', r.owner);
        END IF;
        fate := 'drop';
      ELSIF owned_here THEN
        IF NOT pg_has_role(r.owner::oid, 'USAGE') THEN
          RAISE EXCEPTION 'must be owner of sequence % to detach it from its column', r.name
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Call it as the owner of the sequence (%s).', r.owner);
        END IF;
        fate := 'detach';
      ELSE
        fate := 'keep';
      END IF;
      planned_seqs := planned_seqs || jsonb_build_object('n', q.n, 'seq', q.seq, 'name', r.name, 'fate', fate);
    END LOOP;
    seqs := planned_seqs;

    -- ==== Check: the keys ================================================================
    -- The keys: every one must lie below the first flakeid key of now, under the layout and
    -- epoch new sessions of this database get (those this session started with).
    SELECT cap_layout AS layout, cap_epoch AS epoch, cap_timestamp_bits AS timestamp_bits,
           cap_datacenter_bits AS datacenter_bits, cap_machine_bits AS machine_bits,
           cap_sequence_bits AS sequence_bits INTO cap;
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
    -- Every key, or none: flakeid_adopt_hold() read them with the table access method, which
    -- applies no row-level security policy. A caller that a policy applies to (FORCE ROW
    -- LEVEL SECURITY makes the owner subject to it) is still refused: the FL015 error below
    -- would show it the largest key, which the policy may hide from it.
    IF row_security_active(tbl) THEN
      RAISE EXCEPTION 'cannot adopt table %: row-level security could hide some of its keys from %', tbl, current_user
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'flakeid_adopt() must read every key of the table to check that new keys sort above them all.',
              HINT = format('Call it as a role that bypasses row-level security (a superuser or a role with BYPASSRLS), or, as the owner, for the time of the call: ALTER TABLE %s NO FORCE ROW LEVEL SECURITY.', tbl);
    END IF;
    max_key := largest_key;
    IF max_key >= first_key THEN
      -- Which presets would fit with this epoch: flakeid_min_id(now(), preset, epoch) is
      -- (now_ms - epoch_ms) << (D + M + S), when now_ms - epoch_ms fits in the T bits.
      now_ms := floor(extract(epoch FROM now()) * 1000)::bigint;
      SELECT string_agg(p.name, ', ' ORDER BY p.name) INTO fits
        FROM unnest(preset_names, preset_timestamp_bits, preset_low_bits) AS p(name, t, low),
             LATERAL (SELECT now_ms - (extract(epoch FROM cap.epoch) * 1000)::bigint AS ms) AS since
       WHERE since.ms >= 0 AND since.ms < 2::numeric ^ p.t AND max_key < (since.ms << p.low);
      -- min_id(now, layout, epoch) = (now_ms - epoch_ms) << (D + M + S) lies above max_key
      -- when now_ms - epoch_ms > max_key >> (D + M + S), within the layout's T bits.
      fit_span := (max_key >> (cap.datacenter_bits + cap.machine_bits + cap.sequence_bits)) + 1;
      fit_epoch_ms := now_ms - fit_span;
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

    -- ==== Apply ==========================================================================
    -- Nothing refused: change. Identities first (on 18, dropping a partitioned table's
    -- identity drops its partitions' too).
    FOR m IN SELECT p.relid, p.attnum FROM jsonb_to_recordset(members) AS p(n int, relid oid, attnum int2)
              ORDER BY p.n LOOP
      IF EXISTS (SELECT FROM pg_attribute a
                  WHERE a.attrelid = m.relid AND a.attnum = m.attnum AND a.attidentity <> '') THEN
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP IDENTITY', m.relid::regclass, key_column);
      END IF;
    END LOOP;
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', tbl, key_column, next_expr);
    FOR q IN SELECT s.name, s.fate FROM jsonb_to_recordset(seqs) AS s(n int, name text, fate text)
              ORDER BY s.n LOOP
      IF q.fate = 'drop' AND to_regclass(q.name) IS NOT NULL THEN
        EXECUTE format('DROP SEQUENCE %s', q.name);
      ELSIF q.fate = 'detach' THEN
        EXECUTE format('ALTER SEQUENCE %s OWNED BY NONE', q.name);
      END IF;
    END LOOP;
    FOREACH stmt IN ARRAY copy_stmts LOOP
      EXECUTE stmt;
    END LOOP;

    -- Every member ends with the default and no identity, or this is a bug: undo it all.
    FOR m IN SELECT p.relid, p.attnum FROM jsonb_to_recordset(members) AS p(n int, relid oid, attnum int2)
              ORDER BY p.n LOOP
      -- The default is bound by OID to the extension's flakeid_next() and to no other
      -- function (ALTER TABLE parsed it by name: a schema renamed meanwhile shows here).
      IF NOT EXISTS (SELECT FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = m.relid AND a.attnum = m.attnum AND a.attidentity = ''
                        AND pg_get_expr(d.adbin, d.adrelid) = next_expr
                        AND ARRAY(SELECT dep.refobjid FROM pg_depend dep
                                   WHERE dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                                     AND dep.refclassid = 'pg_proc'::regclass) = ARRAY[next_fn::oid]) THEN
        RAISE EXCEPTION 'flakeid_adopt() left column "%" of table % without DEFAULT %', key_column, m.relid::regclass, next_expr
          USING ERRCODE = 'internal_error', HINT = 'Nothing was changed. Please report this as a bug of flakeid.';
      END IF;
    END LOOP;
  END IF;

  -- ==== The result: the codes in words ===================================================
  -- One row per member: its previous default, its old sequence and what became of it, and
  -- the largest key (NULL, and no sequence, when every member was adopted already).
  RETURN QUERY
    SELECT p.relid::regclass,
           CASE p.kind WHEN 'identity' THEN CASE p.attidentity WHEN 'a' THEN 'GENERATED ALWAYS AS IDENTITY'
                                                              ELSE 'GENERATED BY DEFAULT AS IDENTITY' END
                       WHEN 'none' THEN 'no default'
                       ELSE 'DEFAULT ' || p.default_expr END,  -- 'sequence', 'adopted'
           s.name,
           CASE s.fate WHEN 'drop' THEN 'dropped'
                       WHEN 'detach' THEN 'kept, owned by no column'
                       WHEN 'remake' THEN 'kept, remade as an ordinary sequence owned by no column'
                       WHEN 'keep' THEN 'kept' END,
           max_key
      FROM jsonb_to_recordset(members)
             AS p(n int, relid oid, kind text, attidentity "char", default_expr text, seq oid)
      LEFT JOIN jsonb_to_recordset(seqs) AS s(seq oid, name text, fate text) ON s.seq = p.seq
     ORDER BY p.n;
END
$adopt$;

-- The entry point: binds flakeid_capacity(), flakeid_min_id(), flakeid_layouts() and
-- flakeid_next() by OID (a SQL-standard body) and passes what they give to
-- flakeid_adopt_checked(). The presets' widths go as arrays: the hint computes which would
-- fit, as flakeid_min_id(now(), preset, epoch) does, without a call that could fail.
-- flakeid_adopt_hold() is an argument of flakeid_adopt_checked(): it has locked the table
-- by OID and read its largest key before that body starts.
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
         -- Once flakeid_adopt_checked() has run to its end (a PL/pgSQL set is
         -- complete before its first row), the adopted keys become the node's.
         CROSS JOIN LATERAL @extschema@.flakeid_resume_above(a.adopted_max) AS covered;
END;
