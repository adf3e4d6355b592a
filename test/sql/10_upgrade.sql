-- 10_upgrade: the upgrade path from the first version, through the real update scripts
-- flakeid--1.0--1.1.sql, flakeid--1.1--1.2.sql, flakeid--1.2--1.3.sql and
-- flakeid--1.3--1.4.sql, flakeid--1.4--1.5.sql; IDs made under each go on above those
-- made before. Then DROP EXTENSION and CREATE EXTENSION of the newest version (its install
-- script, built from sql/flakeid/), and IDs still go on above.
DROP EXTENSION flakeid;
CREATE EXTENSION flakeid VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
-- 1.0 has no time-range functions yet.
SELECT count(*) AS range_functions FROM pg_proc
WHERE proname IN ('flakeid_timestamp', 'flakeid_min_id', 'flakeid_max_id');
-- IDs made under 1.0 ...
CREATE TABLE upgraded (id bigint PRIMARY KEY DEFAULT flakeid_next(), made_in text);
INSERT INTO upgraded (made_in) SELECT '1.0' FROM generate_series(1, 100);
ALTER EXTENSION flakeid UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
-- ... 1.1 adds two forms each of three functions.
SELECT proname, pronargs, provolatile FROM pg_proc
WHERE proname IN ('flakeid_timestamp', 'flakeid_min_id', 'flakeid_max_id')
ORDER BY proname, pronargs;
-- ... and IDs go on above those made under 1.0.
INSERT INTO upgraded (made_in) SELECT '1.1' FROM generate_series(1, 100);
SELECT made_in, count(*) FROM upgraded GROUP BY made_in ORDER BY made_in;
SELECT (SELECT min(id) FROM upgraded WHERE made_in = '1.1') >
       (SELECT max(id) FROM upgraded WHERE made_in = '1.0') AS increasing;
-- 1.2's flakeid_status() has a 15th column: how far each state's IDs run ahead of the
-- clock.
SELECT array_length(proallargtypes, 1) AS status_columns FROM pg_proc
WHERE proname = 'flakeid_status';
ALTER EXTENSION flakeid UPDATE TO '1.2';
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
SELECT array_length(proallargtypes, 1) AS status_columns FROM pg_proc
WHERE proname = 'flakeid_status';
SELECT bool_and(clock_lead >= interval '0') AS has_clock_lead FROM flakeid_status();
-- 1.0's 8 members (the high-water sequence and 7 functions) plus 1.1's 6 make 14 (1.2
-- replaces one).
SELECT count(*) AS members FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'flakeid');
-- 1.3's flakeid_adopt() and flakeid_guard() are PL/pgSQL that named the extension's
-- functions by their schema's name; flakeid_guard_forget() ran with the caller's rights.
ALTER EXTENSION flakeid UPDATE TO '1.3';
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
SELECT p.proname, l.lanname, p.prosqlbody IS NOT NULL AS bound_at_creation,
       p.prosecdef AS security_definer
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.proname IN ('flakeid_adopt', 'flakeid_guard', 'flakeid_guard_forget')
ORDER BY p.proname;
-- The newest version. That it ends with the objects of a fresh install, object by object
-- and from every older version, is test/t/042_update_equals_fresh.pl's to check.
ALTER EXTENSION flakeid UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
-- 1.4: the entry points are SQL-standard bodies, bound by OID when the script ran; the
-- checks in PL/pgSQL helpers; flakeid_guard_forget() runs as the extension's owner; an
-- event trigger keeps the guard's trigger its table owner's.
SELECT p.proname, l.lanname, p.prosqlbody IS NOT NULL AS bound_at_creation,
       p.prosecdef AS security_definer, p.proconfig
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.proname IN ('flakeid_adopt', 'flakeid_adopt_checked', 'flakeid_guard',
                    'flakeid_guard_checked', 'flakeid_guard_forget', 'flakeid_guard_ddl')
ORDER BY p.proname;
SELECT evtname, evtevent, evttags, evtenabled FROM pg_event_trigger;
DROP EXTENSION flakeid CASCADE;
CREATE EXTENSION flakeid;
SELECT extversion FROM pg_extension WHERE extname = 'flakeid';
-- The IDs stay above those made before the drop: the shared state lives on.
SELECT flakeid_next() > (SELECT max(id) FROM upgraded) AS above_before_drop;
DROP TABLE upgraded;
