-- 11_reliability: the durable high-water mark, the clock policy settings, flakeid_status(),
-- and the places flakeid_next() refuses to work (like nextval()).
SET timezone = 'UTC';
SET flakeid.layout = 'twitter';
SELECT count(*) AS made FROM flakeid_next_ids(1000);

-- The reservation is about a second ahead of the IDs in use (never behind them), and
-- lives in the extension's sequence. Under the wait policy the IDs are on the clock: no
-- clock_lead.
SELECT s.ids_issued >= 1000 AS counted, s.clock_lead = interval '0' AS on_the_clock,
       s.high_water > s.last_issued_at AS reservation_ahead,
       s.high_water <= s.last_issued_at + interval '1.001 s' AS about_a_second,
       s.datacenter_id, s.datacenter_id_source, s.machine_id, s.machine_id_source,
       s.clock_policy
FROM flakeid_status() AS s WHERE s.layout = 'twitter' AND s.epoch = '2020-01-01 00:00:00+00';

-- last_issued_at is the time of the last ID handed out under that layout and epoch, also
-- with a layout of another sequence width and an epoch other than the default.
SELECT flakeid_next() AS last_id \gset
SELECT last_issued_at = flakeid_timestamp(:last_id) AS last_issued_matches
FROM flakeid_status() WHERE layout = 'twitter' AND epoch = '2020-01-01 00:00:00+00';
SET flakeid.layout = 'high_throughput';
SET flakeid.epoch = '2024-01-01 00:00:00+00';
SELECT flakeid_next() AS last_id \gset
SELECT last_issued_at = flakeid_timestamp(:last_id) AS last_issued_matches
FROM flakeid_status() WHERE layout = 'high_throughput' AND epoch = '2024-01-01 00:00:00+00';
RESET flakeid.epoch;
SET flakeid.layout = 'twitter';

SELECT last_value > 0 AS reserved FROM flakeid_high_water;
-- flakeid's shared memory opens with its format word (8 bytes, padded to the slots'
-- 64-byte alignment: 64), then the state table, 576 bytes of header (two counters and the
-- server's clock lead: 4 values of 8 bytes and a record of 8 bytes per slot, padded
-- likewise) and 64 slots of 64 bytes (layout 16, epoch 8, state 8, four counters 32), then
-- the resume's bookkeeping: 72 bytes (lock, node floor, outside floor, server mark, book,
-- scan answer) and 256 database marks of 24 bytes; 64 + 4672 + 6216, padded to 64 bytes,
-- = 11008 bytes. (Where it lives depends on the version: 08_version_specific.)
SELECT DISTINCT shared_memory_bytes FROM flakeid_status();

-- Crossing the reservation renews it, as any role: the extension moves it, not the user.
CREATE ROLE regress_flakeid_reader;
GRANT SELECT ON flakeid_high_water TO regress_flakeid_reader;
SELECT DISTINCT high_water AS before_ms FROM flakeid_status() \gset
SELECT pg_sleep(1.1);
SET ROLE regress_flakeid_reader;
SELECT flakeid_next() > 0 AS made_by_reader;
SELECT DISTINCT high_water > :'before_ms' AS renewed FROM flakeid_status();
-- ... but no role other than the extension may move it.
SELECT setval('flakeid_high_water', 1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
REVOKE SELECT ON flakeid_high_water FROM regress_flakeid_reader;
DROP ROLE regress_flakeid_reader;

-- Like nextval(), flakeid_next() refuses in a read-only transaction (and so on a
-- standby): it may have to write its reservation.
BEGIN READ ONLY;
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN READ ONLY;
SELECT count(*) FROM flakeid_next_ids(3);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
-- Decoding needs no writing.
BEGIN READ ONLY;
SELECT datacenter_id FROM flakeid_decode(4194463749);
COMMIT;

-- The clock policy and its lead belong to the server (postgresql.conf or ALTER SYSTEM,
-- then a reload): the state they act on is shared by every session and database on the
-- layout, so no session sets its own, not even a superuser's (55P02).
SHOW flakeid.clock_policy;
SET flakeid.clock_policy = 'logical';
\echo :LAST_ERROR_SQLSTATE
SET flakeid.max_clock_lead_ms = '2h';
\echo :LAST_ERROR_SQLSTATE
SHOW flakeid.max_clock_lead_ms;
SELECT DISTINCT clock_policy FROM flakeid_status();
-- ALTER SYSTEM checks the values and writes them for the next reload (not done here: the
-- TAP tests reload, test/t/019).
ALTER SYSTEM SET flakeid.clock_policy = 'sometimes';
ALTER SYSTEM SET flakeid.clock_policy = 'logical';
ALTER SYSTEM SET flakeid.max_clock_lead_ms = '2h';
SELECT name, setting, error FROM pg_file_settings
WHERE name LIKE 'flakeid.%' ORDER BY name;
ALTER SYSTEM RESET flakeid.clock_policy;
ALTER SYSTEM RESET flakeid.max_clock_lead_ms;
SELECT count(*) AS left_in_auto_conf FROM pg_file_settings WHERE name LIKE 'flakeid.%';
RESET flakeid.layout;

-- A database that starts making IDs on a busy server does not wait for the server's
-- mark, which the busy database keeps about a second ahead: only the node floor of the
-- start counts. The new database is made first (on a loaded machine that alone can take
-- longer than the mark's lead), then the marks renewed here (the sleep makes sure the
-- next ID reaches them) ...
CREATE DATABASE regress_flakeid_new;
SELECT pg_sleep(1.1);
SELECT flakeid_next() > 0 AS renewed_here;
SELECT DISTINCT extract(epoch FROM high_water) * 1000 AS mark_ms FROM flakeid_status()
WHERE epoch = '2020-01-01 00:00:00+00' \gset
\c regress_flakeid_new
CREATE EXTENSION flakeid;
-- ... and the new database's first ID comes at once, below that mark (waiting for the
-- mark would have given it a time at or above it).
SELECT timestamp_ms < :mark_ms AS did_not_wait_for_server_mark FROM flakeid_decode(flakeid_next());
-- A mark set by hand with is_called = false has no value flakeid can read: no ID (55000)
-- until it is set with is_called = true. A new session finds out at its first ID.
SELECT setval('flakeid_high_water', 1, false) > 0 AS set_without_value;
\c regress_flakeid_new
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT setval('flakeid_high_water', 1, true) > 0 AS set_with_value;
\c regress_flakeid_new
SELECT flakeid_next() > 0 AS made_again;
-- Without its high-water sequence (taken out of the extension and dropped), flakeid will
-- not make IDs: it could not protect them. A new session finds out at its first ID.
ALTER EXTENSION flakeid DROP SEQUENCE flakeid_high_water;
DROP SEQUENCE flakeid_high_water;
\c regress_flakeid_new
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT datacenter_id FROM flakeid_decode(4194463749, 'twitter');
\c contrib_regression
DROP DATABASE regress_flakeid_new;
