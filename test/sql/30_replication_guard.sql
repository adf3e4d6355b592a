-- 30_replication_guard: flakeid_guard() and its trigger without a second server. A session
-- with a replication origin set (pg_replication_origin_session_setup) writes as an apply
-- worker of that origin would; the TAP tests test/t/070-072 do it with real subscriptions.
SET timezone = 'UTC';
LOAD 'flakeid';
SET flakeid.layout = 'twitter';
-- This server's own node is datacenter 0, machine 0: its node id settings are -1 and its
-- environment has no FLAKEID_DATACENTER_ID or FLAKEID_MACHINE_ID.
SHOW flakeid.datacenter_id;
SHOW flakeid.machine_id;

-- A twitter key of millisecond 1000 made by node (dc, m) with sequence seq.
CREATE FUNCTION k(dc integer, m integer, seq integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT (1000::bigint << 22) | (dc << 17) | (m << 12) | seq $$;
-- Runs a statement and shows its error: SQLSTATE, message, detail (the time of the binding
-- masked) and hint.
CREATE FUNCTION try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text; hint text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
        detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN state || E'\n' || msg || E'\nDETAIL: '
        || regexp_replace(detail, '\d{4}-\d\d-\d\d [0-9:.]+ UTC', '<time>') || E'\nHINT: ' || hint;
END $$;

-- ---- flakeid_guard(): a BEFORE INSERT OR UPDATE row trigger, ENABLE ALWAYS -------------
CREATE TABLE events (id bigint PRIMARY KEY, note text);
SELECT flakeid_guard('events');
SELECT tgname, tgenabled, tgtype, tgnargs, encode(tgargs, 'escape') AS args
FROM pg_trigger WHERE tgrelid = 'events'::regclass;
-- A second call replaces it (one trigger still).
SELECT flakeid_guard('events', 'id');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'events'::regclass;

-- Bad input: no such column (42703), neither bigint nor flakeid (42804): an integer, a
-- domain named flakeid in another schema, a domain over the extension's type.
CREATE TABLE keyless (k bigint);
SELECT try($$SELECT flakeid_guard('keyless')$$);
SELECT try($$SELECT flakeid_guard('keyless', 'missing')$$);
CREATE TABLE int_keys (id integer);
SELECT try($$SELECT flakeid_guard('int_keys')$$);
CREATE SCHEMA regress_decoy;
CREATE DOMAIN regress_decoy.flakeid AS bigint;
CREATE TABLE decoy_keys (id regress_decoy.flakeid);
SELECT try($$SELECT flakeid_guard('decoy_keys')$$);
CREATE DOMAIN flakeid_key AS flakeid;
CREATE TABLE domain_keys (id flakeid_key);
SELECT try($$SELECT flakeid_guard('domain_keys')$$);
SELECT try($$SELECT flakeid_guard('no_such_table')$$);
-- A key of the extension's flakeid type (bigint's storage) is guarded as a bigint key.
CREATE TABLE typed_events (id flakeid PRIMARY KEY, note text);
SELECT flakeid_guard('typed_events');
-- A guarded bigint key changed to flakeid (no rewrite) keeps its guard; changed to a type
-- that holds no flakeid keys, its trigger refuses the rows (below).
CREATE TABLE retyped (id bigint PRIMARY KEY);
SELECT flakeid_guard('retyped');
ALTER TABLE retyped ALTER COLUMN id TYPE flakeid;

-- ---- Local rows (no replication origin) are not checked -------------------------------
INSERT INTO events VALUES (k(1, 2, 1), 'local'), (k(0, 0, 1), 'local, own node');
SELECT count(*) AS bindings FROM flakeid_guard_bindings;

-- ---- Rows of origin regress_a bind their nodes to it -------------------------------------
SELECT pg_replication_origin_create('regress_a') > 0 AS a,
       pg_replication_origin_create('regress_b') > 0 AS b;
SELECT pg_replication_origin_session_setup('regress_a');
INSERT INTO events VALUES (k(1, 2, 2), 'a');
INSERT INTO events VALUES (k(1, 2, 3), 'a'), (k(1, 2, 4), 'a');
SELECT layout, datacenter_id, machine_id, origin, subscription, subscription_exists,
       first_table, first_seen <= now() AS seen
FROM flakeid_guard_bindings ORDER BY 1, 2, 3;
-- A replicated row with this server's own node (0, 0) is refused.
SELECT try($$INSERT INTO events VALUES (k(0, 0, 2), 'a, own node')$$);
-- The same for flakeid keys: node (1, 2) is regress_a's, (0, 0) this server's.
INSERT INTO typed_events VALUES (k(1, 2, 20), 'a');
INSERT INTO retyped VALUES (k(1, 2, 21));
SELECT try($$INSERT INTO typed_events VALUES (k(0, 0, 20), 'a, own node')$$);

-- ---- Rows of origin regress_b with node (1, 2) are refused -------------------------------
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_session_setup('regress_b');
SELECT try($$INSERT INTO events VALUES (k(1, 2, 5), 'b')$$);
-- Its other nodes bind to it.
INSERT INTO events VALUES (k(1, 3, 1), 'b');
-- The same for flakeid keys, with the same error: node (1, 2) is regress_a's, (1, 3) its own.
SELECT try($$INSERT INTO typed_events VALUES (k(1, 2, 22), 'b')$$);
SELECT try($$INSERT INTO retyped VALUES (k(1, 2, 23))$$);
INSERT INTO typed_events VALUES (k(1, 3, 20), 'b');
INSERT INTO retyped VALUES (k(1, 3, 21));
UPDATE typed_events SET note = 'b, updated' WHERE id = k(1, 2, 20);
SELECT try($$UPDATE typed_events SET id = k(1, 2, 24) WHERE id = k(1, 3, 20)$$);
SELECT id = k(1, 2, 20) AS a_row, note FROM typed_events ORDER BY id;
-- A guarded key changed to a domain over bigint named flakeid: every replicated row is
-- refused (42804), as for any type that is not a key's.
ALTER TABLE retyped ALTER COLUMN id TYPE regress_decoy.flakeid;
SELECT try($$INSERT INTO retyped VALUES (k(1, 3, 22))$$);
-- An update that keeps the key is not checked; one that moves it to node (1, 2) is.
UPDATE events SET note = 'b, updated' WHERE id = k(1, 2, 2);
SELECT try($$UPDATE events SET id = k(1, 2, 6) WHERE id = k(1, 3, 1)$$);
UPDATE events SET id = k(1, 3, 2) WHERE id = k(1, 3, 1);
-- A NULL key has no node (a table whose key is not its primary key).
CREATE TABLE loose (id bigint, note text);
SELECT flakeid_guard('loose');
INSERT INTO loose VALUES (NULL, 'b, no key');
SELECT try($$INSERT INTO loose VALUES (-1, 'b, negative key')$$);
-- A transaction that fails leaves no binding: node (1, 4) bound by its first row is free
-- again, and the cache of this session forgets it too.
BEGIN;
INSERT INTO events VALUES (k(1, 4, 1), 'b, rolled back');
\set VERBOSITY terse
INSERT INTO events VALUES (k(1, 2, 7), 'b');
\set VERBOSITY default
ROLLBACK;
SELECT count(*) AS bindings_of_1_4 FROM flakeid_guard_bindings
WHERE datacenter_id = 1 AND machine_id = 4;
-- Another writer binds (1, 4) to regress_a (by hand here: a new binding sends no
-- invalidation); this session, which had cached (1, 4) for regress_b before the rollback,
-- must not take its stale entry for a binding.
INSERT INTO flakeid_guard_binding (layout, datacenter_id, machine_id, origin)
VALUES ('41,5,5,12', 1, 4, 'regress_a');
SELECT try($$INSERT INTO events VALUES (k(1, 4, 3), 'b')$$);

-- ---- Several guarded tables share the bindings of the database -------------------------
CREATE TABLE orders (order_key bigint PRIMARY KEY);
SELECT flakeid_guard('orders', 'order_key');
INSERT INTO orders VALUES (k(1, 3, 3));
SELECT try($$INSERT INTO orders VALUES (k(1, 2, 8))$$);
SELECT pg_replication_origin_session_reset();
SELECT pg_replication_origin_session_setup('regress_a');
INSERT INTO orders VALUES (k(1, 4, 2));
SELECT try($$INSERT INTO orders VALUES (k(1, 3, 4))$$);
-- TRUNCATE and DELETE bring no key: not checked.
TRUNCATE loose;
DELETE FROM orders WHERE order_key = k(1, 4, 2);
SELECT datacenter_id, machine_id, origin, first_table FROM flakeid_guard_bindings
ORDER BY 1, 2;

-- ---- Forgetting a binding ---------------------------------------------------------------
SELECT pg_replication_origin_session_reset();
SELECT flakeid_guard_forget(1, 2) AS forgotten, flakeid_guard_forget(9, 9) AS none;
SELECT pg_replication_origin_session_setup('regress_b');
-- The cached binding of (1, 2) to regress_a is gone too: the node now binds to regress_b.
INSERT INTO events VALUES (k(1, 2, 9), 'b, after forget');
SELECT datacenter_id, machine_id, origin FROM flakeid_guard_bindings
WHERE datacenter_id = 1 AND machine_id = 2;
-- So does a binding changed by hand (the binding table's statement trigger).
SELECT pg_replication_origin_session_reset();
UPDATE flakeid_guard_binding SET origin = 'regress_a' WHERE datacenter_id = 1 AND machine_id = 2;
SELECT pg_replication_origin_session_setup('regress_b');
SELECT try($$INSERT INTO events VALUES (k(1, 2, 10), 'b')$$);

-- ---- Another layout in the receiving database --------------------------------------------
-- Under large_cluster the same keys carry other nodes: they are bound apart, per layout.
SET flakeid.layout = 'large_cluster';
INSERT INTO events VALUES (k(1, 2, 11), 'b, large_cluster');
SELECT layout, datacenter_id, machine_id, origin FROM flakeid_guard_bindings
WHERE layout = '41,8,8,6';
-- A layout without node bits cannot tell servers apart: the guard refuses to guess.
SET flakeid.layout = 'minimal';
SELECT try($$INSERT INTO events VALUES (k(1, 2, 12), 'b, minimal')$$);
SELECT pg_replication_origin_session_reset();
SELECT try($$SELECT flakeid_guard('orders', 'order_key')$$);
RESET flakeid.layout;
SET flakeid.layout = 'twitter';

-- ---- Rights --------------------------------------------------------------------------------
CREATE ROLE regress_guard_user;
GRANT SELECT, INSERT ON events TO regress_guard_user;
SET ROLE regress_guard_user;
-- Guarding a table is its owner's business (42501), forgetting a superuser's.
SELECT try($$SELECT flakeid_guard('events')$$);
SELECT try($$SELECT flakeid_guard_forget(1, 2)$$);
SELECT try($$DELETE FROM flakeid_guard_binding$$);
-- Everyone may read the bindings; local inserts need no right on the binding table.
SELECT count(*) > 0 AS can_read FROM flakeid_guard_bindings;
INSERT INTO events VALUES (k(5, 5, 1), 'local, by an ordinary role');
-- Its own table: guarded without any right on flakeid's objects.
RESET ROLE;
GRANT CREATE ON SCHEMA public TO regress_guard_user;
SET ROLE regress_guard_user;
CREATE TABLE mine (id bigint);
SELECT flakeid_guard('mine');
RESET ROLE;
-- A row replicated into it binds through the guard, not through the owner's rights.
SELECT pg_replication_origin_session_setup('regress_b');
INSERT INTO mine VALUES (k(1, 6, 1));
SELECT pg_replication_origin_session_reset();
SELECT origin, first_table FROM flakeid_guard_bindings WHERE machine_id = 6;

DROP TABLE decoy_keys, domain_keys, typed_events, retyped;
DROP DOMAIN flakeid_key, regress_decoy.flakeid;
DROP SCHEMA regress_decoy;

-- ---- DROP EXTENSION with guarded tables ------------------------------------------------------
-- The triggers depend on flakeid_guard_trigger(): a plain DROP is refused ...
SELECT try($$DROP EXTENSION flakeid$$);
-- ... CASCADE drops the triggers and keeps the tables and their rows.
BEGIN;
DROP EXTENSION flakeid CASCADE;
SELECT count(*) AS guard_triggers FROM pg_trigger WHERE tgname = 'flakeid_guard';
SELECT count(*) AS rows FROM events;
ROLLBACK;

DROP TABLE events, keyless, int_keys, loose, orders, mine;
DROP OWNED BY regress_guard_user;
DROP ROLE regress_guard_user;
SELECT pg_replication_origin_drop('regress_a'), pg_replication_origin_drop('regress_b');
TRUNCATE flakeid_guard_binding;
DROP FUNCTION k(integer, integer, integer), try(text);
