-- 33_guard_weakened: a guard whose trigger no longer fires for apply workers. flakeid_guard()
-- installs its trigger ENABLE ALWAYS; ALTER TABLE ... ENABLE TRIGGER or CREATE OR REPLACE
-- TRIGGER leaves it ENABLE ORIGIN, where it fires for the table's local writes only and every
-- replicated row passes unchecked (issue 19, item 6). The guard refuses the writes it still
-- sees, so the weakened guard shows at once. ENABLE REPLICA (replicated rows only) still guards.
SET timezone = 'UTC';
LOAD 'flakeid';
SET flakeid.layout = 'twitter';
-- A twitter key of millisecond 1000 made by node (dc, m) with sequence seq.
CREATE FUNCTION k(dc integer, m integer, seq integer) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT (1000::bigint << 22) | (dc << 17) | (m << 12) | seq $$;
CREATE TABLE weak (id bigint PRIMARY KEY, note text);
SELECT flakeid_guard('weak');
SELECT pg_replication_origin_create('regress_w1') > 0 AS w1,
       pg_replication_origin_create('regress_w2') > 0 AS w2;
-- Node (2, 2) arrives from regress_w1 and is bound to it.
SELECT pg_replication_origin_session_setup('regress_w1');
INSERT INTO weak VALUES (k(2, 2, 1), 'w1');
SELECT pg_replication_origin_session_reset();
INSERT INTO weak VALUES (k(0, 1, 1), 'local');

-- ---- ENABLE TRIGGER (ENABLE ORIGIN): refused on every write that fires it -------------------
ALTER TABLE weak ENABLE TRIGGER flakeid_guard;
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'weak'::regclass AND tgname = 'flakeid_guard';
INSERT INTO weak VALUES (k(0, 1, 2), 'local, weakened');
-- What it would let through: an apply worker writes as "replica", where the trigger does not
-- fire, and a row of node (2, 2) from regress_w2 lands.
BEGIN;
SET LOCAL session_replication_role = replica;
SELECT pg_replication_origin_session_setup('regress_w2');
INSERT INTO weak VALUES (k(2, 2, 2), 'w2, unchecked');
SELECT pg_replication_origin_session_reset();
ROLLBACK;

-- ---- CREATE OR REPLACE TRIGGER by the owner: the same ------------------------------------------
SELECT flakeid_guard('weak');
CREATE OR REPLACE TRIGGER flakeid_guard BEFORE INSERT OR UPDATE ON weak
FOR EACH ROW EXECUTE FUNCTION flakeid_guard_trigger('id');
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'weak'::regclass AND tgname = 'flakeid_guard';
UPDATE weak SET id = k(0, 1, 3) WHERE id = k(0, 1, 1);

-- ---- ENABLE REPLICA: replicated rows only, still guarded; local writes do not fire it ---------
ALTER TABLE weak ENABLE REPLICA TRIGGER flakeid_guard;
INSERT INTO weak VALUES (k(0, 1, 4), 'local, replica trigger');
BEGIN;
SET LOCAL session_replication_role = replica;
SELECT pg_replication_origin_session_setup('regress_w2');
\set VERBOSITY terse
INSERT INTO weak VALUES (k(2, 2, 3), 'w2, refused');
\set VERBOSITY default
ROLLBACK;
SELECT pg_replication_origin_session_reset();

-- ---- installed again: ENABLE ALWAYS, local writes work ---------------------------------------
SELECT flakeid_guard('weak');
SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'weak'::regclass AND tgname = 'flakeid_guard';
INSERT INTO weak VALUES (k(0, 1, 5), 'local, guarded again');
SELECT count(*) AS rows FROM weak;

DROP TABLE weak;
DROP FUNCTION k(integer, integer, integer);
SELECT pg_replication_origin_drop('regress_w1'), pg_replication_origin_drop('regress_w2');
TRUNCATE flakeid_guard_binding;
