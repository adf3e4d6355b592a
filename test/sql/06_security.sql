-- 06_security: an ordinary role uses flakeid but changes none of its settings, by no route:
-- SET, set_config, ALTER ROLE / DATABASE / SYSTEM, nor a SET made before the library loads.
-- A superuser's per-role and per-database settings do reach the role's sessions.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
LOAD 'flakeid';

-- The superuser running the tests, to come back to after \c.
SELECT current_user AS admin \gset
CREATE ROLE regress_flakeid_user LOGIN;

-- ---- SET ROLE: the library is loaded in this session -------------------------------
SET ROLE regress_flakeid_user;
SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;

-- Using flakeid needs no privilege.
SELECT flakeid_next() > 0 AS next;
SELECT count(*) AS next_ids FROM flakeid_next_ids(10);
SELECT datacenter_id, machine_id, sequence FROM flakeid_decode(4194463749, 'twitter');
SELECT abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS decoded_now
FROM flakeid_decode(flakeid_next());
SELECT layout, nodes FROM flakeid_capacity();
SELECT count(*) AS presets FROM flakeid_layouts();
-- Reading the settings is allowed.
SHOW flakeid.layout;
SHOW flakeid.epoch;

-- Changing them is not (42501, insufficient_privilege).
SET flakeid.layout = 'twitter';
\echo :LAST_ERROR_SQLSTATE
SET flakeid.epoch = '0';
\echo :LAST_ERROR_SQLSTATE
SET flakeid.clock_tolerance_ms = 100;
-- The clock policy is the server's: no session sets it (55P02, cant_change_runtime_param).
SET flakeid.clock_policy = 'logical';
\echo :LAST_ERROR_SQLSTATE
RESET flakeid.layout;
SELECT set_config('flakeid.layout', 'twitter', false);
BEGIN;
SET LOCAL flakeid.layout = 'twitter';
ROLLBACK;
-- Nor for its own later sessions, nor for the database, nor for the server.
ALTER ROLE regress_flakeid_user SET flakeid.layout = 'twitter';
\echo :LAST_ERROR_SQLSTATE
ALTER ROLE CURRENT_USER SET flakeid.epoch = '0';
ALTER DATABASE contrib_regression SET flakeid.layout = 'twitter';
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET flakeid.machine_id = 3;
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET flakeid.max_clock_lead_ms = '1h';
\echo :LAST_ERROR_SQLSTATE
-- Nothing changed.
SELECT layout, epoch FROM flakeid_capacity();
RESET ROLE;

-- Owning the database does not help: the setting itself is reserved to superusers.
ALTER DATABASE contrib_regression OWNER TO regress_flakeid_user;
SET ROLE regress_flakeid_user;
ALTER DATABASE contrib_regression SET flakeid.layout = 'twitter';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
ALTER DATABASE contrib_regression OWNER TO :"admin";
-- No flakeid setting was stored for any role or database.
SELECT count(*) AS stored_flakeid_settings
FROM pg_db_role_setting, unnest(setconfig) AS c WHERE c LIKE 'flakeid.%';

-- ---- a session of the role, before the library is loaded ----------------------------
-- PostgreSQL accepts a SET of a placeholder it does not know yet; when flakeid loads, it
-- checks who made it, warns, and holds the values as rejected (SHOW shows them so): every
-- function that uses them refuses (FL010), rather than work under the defaults.
\c - regress_flakeid_user
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET flakeid.layout = 'twitter';
SET flakeid.epoch = '0';
SELECT layout, epoch FROM flakeid_capacity();
SHOW flakeid.layout;
SHOW flakeid.epoch;
-- The role cannot RESET what it may not set; RESET ALL, which any role may, ends it.
RESET flakeid.layout;
RESET ALL;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT layout, epoch FROM flakeid_capacity();
-- The library cannot be loaded by hand to get round this either.
LOAD 'flakeid';

-- ---- a superuser's per-role and per-database settings reach the role -----------------
\c - :admin
ALTER ROLE regress_flakeid_user SET flakeid.layout = 'twitter';
ALTER DATABASE contrib_regression SET flakeid.epoch = '1288834974657';
\c - regress_flakeid_user
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT current_user, layout, epoch FROM flakeid_capacity();
SELECT abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS decoded_now
FROM flakeid_decode(flakeid_next());
-- ... and the role still cannot change them.
SET flakeid.layout = 'minimal';
RESET flakeid.epoch;
SELECT layout, epoch FROM flakeid_capacity();

-- ---- clean up ---------------------------------------------------------------------------
\c - :admin
ALTER ROLE regress_flakeid_user RESET ALL;
ALTER DATABASE contrib_regression RESET flakeid.epoch;
DROP ROLE regress_flakeid_user;
-- No flakeid setting is left.
SELECT count(*) AS stored_flakeid_settings
FROM pg_db_role_setting, unnest(setconfig) AS c WHERE c LIKE 'flakeid.%';
