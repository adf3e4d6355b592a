-- 14_rejected_settings: a flakeid.* value set before the library is loaded in a session
-- (this server does not preload it) is kept by PostgreSQL unchecked. When flakeid loads,
-- a value PostgreSQL would refuse is held as rejected, in the very place the refused value
-- would have had: every function that uses the setting refuses (FL010) until a valid value
-- replaces it, and PostgreSQL brings the refusal back, or ends it, as it would that value.
-- Each case starts in a new session (\c), where the library is not loaded yet.
SELECT CASE WHEN current_setting('server_version_num')::int < 160000 THEN 'force_parallel_mode'
            ELSE 'debug_parallel_query' END AS force_parallel \gset
SELECT current_user AS admin \gset

-- ---- the refusal in full, and what it covers ---------------------------------------
SET flakeid.layout = '20,5,5,33';
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SHOW flakeid.layout;
\set VERBOSITY terse
-- Every function that reads the layout refuses, and does not load it twice: no second
-- WARNING. The forms that are given a layout work.
SELECT count(*) FROM flakeid_next_ids(3);
SELECT timestamp_ms FROM flakeid_decode(4194463749);
SELECT (extract(epoch FROM flakeid_timestamp(4194463749)) * 1000)::bigint AS unix_ms;
SELECT flakeid_min_id('2026-01-01 00:00:00+00');
SELECT flakeid_max_id('2026-01-01 00:00:00+00');
SELECT layout FROM flakeid_capacity();
SELECT datacenter_id, machine_id, sequence FROM flakeid_decode(4194463749, 'twitter');
SELECT (extract(epoch FROM flakeid_timestamp(4194463749, 'twitter')) * 1000)::bigint AS unix_ms;
SELECT flakeid_min_id('2026-01-01 00:00:00+00', 'minimal');
SELECT count(*) AS presets FROM flakeid_layouts();
-- flakeid_status() shows the session's node ids and clock policy, not its layout: it works.
SELECT count(*) >= 0 AS status_works FROM flakeid_status();
-- A valid SET ends the refusal.
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS made;

-- ---- each of the seven settings, set before the library is loaded -----------------
-- An invalid value, or a server setting SET in a session: the first call refuses.
\c
SET client_min_messages = error;
SET flakeid.epoch = '1600000000000000';
SELECT flakeid_next();
\c
SET client_min_messages = error;
SET flakeid.datacenter_id = 1;
SELECT flakeid_next();
\c
SET client_min_messages = error;
SET flakeid.machine_id = 'seven';
SELECT flakeid_next();
\c
SET client_min_messages = error;
SET flakeid.clock_tolerance_ms = '2h';
SELECT flakeid_next();
SHOW flakeid.clock_tolerance_ms;
\c
SET client_min_messages = error;
SET flakeid.clock_policy = 'logicall';
SELECT flakeid_next();
\c
SET client_min_messages = error;
SET flakeid.max_clock_lead_ms = -5;
SELECT flakeid_next();
-- The server settings cannot be RESET in a session: only a new session ends this one.
\c
SET client_min_messages = error;
SET flakeid.machine_id = 3;
SELECT flakeid_next();
RESET flakeid.machine_id;
SELECT count(*) FROM flakeid_status();
\c
SELECT flakeid_next() > 0 AS new_session;

-- ---- where the rejected value sits: PostgreSQL keeps it as it would the value ------------
-- SET LOCAL and a function's SET clause end with their transaction or call: the refusal
-- comes back. A SET rolled back is undone: it comes back. RESET ends a session's SET.
\c
SET client_min_messages = error;
SET flakeid.layout = 'bogus';
BEGIN;
SET LOCAL flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS under_set_local;
COMMIT;
SELECT flakeid_next();
BEGIN;
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS under_set;
ROLLBACK;
SELECT flakeid_next();
CREATE FUNCTION next_minimal() RETURNS bigint LANGUAGE sql
  SET flakeid.layout = 'minimal' AS 'SELECT flakeid_next()';
SELECT next_minimal() > 0 AS under_function_set_clause;
SELECT flakeid_next();
RESET flakeid.layout;
SELECT flakeid_next() > 0 AS after_reset;
-- The first call refuses, and its error aborts the transaction that loaded flakeid (here a
-- subtransaction, caught): the rejected value stays, as a session's SET does.
\c
SET client_min_messages = error;
SET flakeid.layout = 'bogus';
DO $$
BEGIN
  PERFORM flakeid_next();
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END
$$;
SELECT flakeid_next();
-- A value set in the transaction that loads flakeid goes with it.
\c
SET client_min_messages = error;
BEGIN;
SET LOCAL flakeid.layout = 'bogus';
SELECT flakeid_next();
ROLLBACK;
SELECT flakeid_next() > 0 AS after_rollback;
-- A function's SET clause, created and called before flakeid loads: the refusal lasts the
-- call.
\c
SET client_min_messages = error;
CREATE FUNCTION next_bogus() RETURNS bigint LANGUAGE sql
  SET flakeid.layout = 'bogus' AS 'SELECT flakeid_next()';
SELECT next_bogus();
SELECT flakeid_next() > 0 AS after_the_call;
DROP FUNCTION next_bogus();

-- ---- a superuser's ALTER DATABASE ... SET, set while flakeid was not loaded -------------
-- It is the value RESET returns to: SET LOCAL, ROLLBACK and RESET all come back to the
-- refusal; a valid SET ends it for the session; correcting it ends it for new sessions.
\c
ALTER DATABASE contrib_regression SET flakeid.layout = 'twiter';
\c
SET client_min_messages = error;
SELECT flakeid_next();
SHOW flakeid.layout;
BEGIN;
SET LOCAL flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS under_set_local;
COMMIT;
SELECT flakeid_next();
RESET flakeid.layout;
SELECT flakeid_next();
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS after_set;
SET flakeid.epoch = '2024-01-01 00:00:00+00';
RESET flakeid.epoch;
SELECT flakeid_next() > 0 AS epoch_changed_and_reset;
ALTER DATABASE contrib_regression RESET flakeid.layout;
\c
SELECT flakeid_next() > 0 AS corrected;

-- ---- a role without the right to set them --------------------------------------------
-- Valid values, set by a role that may not set them: its calls refuse (06_security shows
-- the warning and the way out). ALTER ROLE ... SET by a superuser reaches the role, checked
-- only when flakeid loads: an invalid one refuses there too.
CREATE ROLE regress_flakeid_rejected LOGIN;
\c - regress_flakeid_rejected
SET client_min_messages = error;
SET flakeid.clock_tolerance_ms = 20;
SELECT flakeid_next();
\c - :admin
ALTER ROLE regress_flakeid_rejected SET flakeid.epoch = '2020-01-01';
\c - regress_flakeid_rejected
SET client_min_messages = error;
SELECT (extract(epoch FROM flakeid_timestamp(4194463749)) * 1000)::bigint AS unix_ms;
RESET flakeid.epoch;
\c - :admin
ALTER ROLE regress_flakeid_rejected RESET ALL;
\c - regress_flakeid_rejected
SELECT flakeid_next() > 0 AS made_by_role;
\c - :admin
DROP ROLE regress_flakeid_rejected;

-- ---- a flakeid.* name that is no setting -----------------------------------------------
-- flakeid reserves its prefix when it loads, which drops the misspelt placeholder: the
-- value was meant for a setting, so flakeid refuses for the rest of the session.
\c
SET client_min_messages = error;
SET flakeid.machine_idd = 7;
SELECT flakeid_next();
SELECT (extract(epoch FROM flakeid_timestamp(4194463749)) * 1000)::bigint AS unix_ms;
SELECT (extract(epoch FROM flakeid_timestamp(4194463749, 'twitter')) * 1000)::bigint AS unix_ms;
\c
SELECT flakeid_next() > 0 AS new_session;

-- ---- parallel workers -----------------------------------------------------------------
-- A worker gets the session's rejected value from its leader (SHOW shows it as the text it
-- receives), and refuses too.
\c
SET client_min_messages = error;
SET flakeid.layout = 'bogus';
LOAD 'flakeid';
SET :force_parallel = on;
SELECT (extract(epoch FROM flakeid_timestamp(4194463749)) * 1000)::bigint AS unix_ms;
SET flakeid.layout = 'twitter';
SELECT (extract(epoch FROM flakeid_timestamp(4194463749)) * 1000)::bigint AS unix_ms;
-- A worker that is the first to load flakeid, during the parallel operation, can apply no
-- value set before (PostgreSQL changes no setting then): it refuses, even for a valid one.
CREATE FUNCTION timestamp_in_plpgsql(id bigint) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$ BEGIN RETURN flakeid_timestamp(id); END $$;
\c
SET client_min_messages = error;
SET flakeid.layout = 'twitter';
SET :force_parallel = on;
SELECT (extract(epoch FROM timestamp_in_plpgsql(4194463749)) * 1000)::bigint AS unix_ms;
RESET :force_parallel;
SELECT (extract(epoch FROM timestamp_in_plpgsql(4194463749)) * 1000)::bigint AS unix_ms;
DROP FUNCTION timestamp_in_plpgsql(bigint);
DROP FUNCTION next_minimal();

-- ---- more rejected values than flakeid used to have room for (issue 19, item 7) --------
-- 70 nested savepoints, each with SET LOCAL of an invalid layout, before flakeid loads:
-- every one is held as rejected where PostgreSQL keeps it, none is dropped for the
-- default, and after ROLLBACK TO the refusal names the value in force there.
\c
SET client_min_messages = error;
BEGIN;
SELECT format('SAVEPOINT s%s; SET LOCAL flakeid.layout = %L', g, 'bogus' || g)
FROM generate_series(1, 70) g \gexec
SELECT flakeid_next();
ROLLBACK TO s10;
SHOW flakeid.layout;
SELECT flakeid_next();
ROLLBACK TO s3;
SHOW flakeid.layout;
SELECT flakeid_next();
ROLLBACK TO s1;
SHOW flakeid.layout;
SELECT flakeid_next() > 0 AS nothing_set_before_s1;
ROLLBACK;
SELECT flakeid_next() > 0 AS after_rollback;
-- The same for an enum setting, whose markers are options of their own: 12 values.
\c
SET client_min_messages = error;
BEGIN;
SELECT format('SAVEPOINT s%s; SET LOCAL flakeid.clock_policy = %L', g, 'wait' || g)
FROM generate_series(1, 12) g \gexec
SELECT flakeid_next();
ROLLBACK TO s5;
SELECT flakeid_next();
ROLLBACK TO s1;
SELECT flakeid_next() > 0 AS nothing_set_before_s1;
ROLLBACK;

-- ---- the replication guard reads the layout and node ids: it refuses too -----------------
-- The database's layout is twitter; a session's invalid SET before flakeid loads is in
-- force: a replicated row is refused (FL010), not bound under the database's twitter.
ALTER DATABASE contrib_regression SET flakeid.layout = 'twitter';
\c
CREATE TABLE guarded (id bigint);
SELECT flakeid_guard('guarded');
SELECT pg_replication_origin_create('regress_rejected') > 0 AS origin;
\c
SET client_min_messages = error;
SET flakeid.layout = 'bogus';
SELECT pg_replication_origin_session_setup('regress_rejected');
INSERT INTO guarded VALUES ((1000::bigint << 22) | (1 << 17) | (1 << 12));
SELECT pg_replication_origin_session_reset();
SELECT count(*) AS bindings FROM flakeid_guard_binding;
\c
DROP TABLE guarded;
SELECT pg_replication_origin_drop('regress_rejected');
ALTER DATABASE contrib_regression RESET flakeid.layout;
TRUNCATE flakeid_guard_binding;
