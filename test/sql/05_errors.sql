-- 05_errors: every refusal, with its SQLSTATE, message, detail and hint: bad settings
-- (refused when set, by check hooks), bad arguments, and errors of generation. After each
-- error the session goes on as before.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- ---- before the library is loaded ---------------------------------------------------
-- In a session that has not loaded flakeid yet, PostgreSQL keeps a SET flakeid.x as a
-- placeholder; flakeid checks it when it loads, warns, and holds it as rejected: SHOW shows
-- it so, and the functions that use it refuse (14_rejected_settings) until a valid value
-- replaces it.
SET flakeid.layout = 'bogus';
SHOW flakeid.layout;
LOAD 'flakeid';
SHOW flakeid.layout;
SELECT layout FROM flakeid_capacity();
\echo :LAST_ERROR_SQLSTATE
RESET flakeid.layout;
-- The prefix is reserved: a misspelt setting is an error, not a silent placeholder.
SET flakeid.layuot = 'twitter';

\i test/sql/include/try.sql

-- ---- flakeid.layout ---------------------------------------------------------------
SET flakeid.layout = 'twitter';
-- Each is refused with 22023 (invalid_parameter_value) and a detail saying why.
SELECT v AS layout, t.state, t.detail
FROM unnest(ARRAY[
  '',              -- empty
  '   ',           -- only spaces
  'bogus',         -- no such preset
  'twitter2',      -- not a word, not widths
  '41,5,5',        -- three widths
  '41,5,5,13',     -- 64 bits
  '41,5,5,11',     -- 62 bits
  '0,21,21,21',    -- no timestamp bit
  '64,0,0,0',      -- more than 63 timestamp bits
  '1,32,15,15',    -- a node field wider than 31 bits
  '1,15,15,32',    -- a sequence wider than 31 bits
  '99999999999999999999,0,0,0', -- a width past any integer
  '-1,22,21,21',   -- a negative width
  'a,b,c,d',       -- not numbers
  '41.0,5,5,12',   -- not integers
  '41,5,5,12,0',   -- five widths
  '41,5,5,12,',    -- a trailing comma
  '41,,5,17',      -- an empty width
  'twitter,minimal'
]) AS v, pg_temp.try(format('SET flakeid.layout = %L', v)) AS t;
-- None of them took: the layout is still twitter.
SHOW flakeid.layout;
SELECT layout FROM flakeid_capacity();

-- The full errors of a few, with the detail and hint that tell what would be accepted.
SET flakeid.layout = 'bogus';
\echo :LAST_ERROR_SQLSTATE
SET flakeid.layout = '41,5,5';
SET flakeid.layout = '41,5,5,13';
SET flakeid.layout = '1,32,15,15';
-- ALTER SYSTEM and ALTER DATABASE check the same way.
ALTER SYSTEM SET flakeid.layout = 'bogus';
ALTER DATABASE contrib_regression SET flakeid.layout = '41,5,5,13';

-- ---- flakeid.epoch ----------------------------------------------------------------
-- Each is refused with 22023 and a detail saying why: no zone, out of range, or not an
-- epoch at all.
SELECT v AS epoch, t.state, t.detail
FROM unnest(ARRAY[
  '2020-01-01',                    -- no time, no zone
  '2020-01-01 00:00:00',           -- no zone
  '2020-01-01 00:00:00 UTC',       -- a zone name, not an offset
  'yesterday',
  'now',
  '',
  '2020-13-01 00:00:00Z',          -- month 13
  '2020-02-30 00:00:00Z',          -- no such day
  '2021-02-29 00:00:00Z',          -- 2021 is no leap year
  '2020-01-01 24:00:00Z',          -- hour 24
  '2020-01-01 00:60:00Z',          -- minute 60
  '2020-01-01 00:00:60Z',          -- no leap seconds
  '2020-01-01 00:00:00.0001Z',     -- finer than a millisecond
  '2020-01-01 00:00:00.Z',         -- a point without digits
  '2020-01-01 00:00:00+16',        -- no such offset
  '20200101T000000Z',              -- ISO basic format
  '1969-12-31 23:59:59Z',          -- before 1970
  '1970-01-01 00:00:00+01',        -- 1969-12-31 23:00 UTC
  '9999-12-31 23:59:59.999-00:01', -- 10000-01-01 00:00:59.999 UTC
  '10000-01-01 00:00:00Z',         -- a five-digit year
  '-5',                            -- negative milliseconds
  '253402300800000',               -- one ms past 9999-12-31 23:59:59.999
  '99999999999999999',
  '99999999999999999999999',       -- past any integer
  '1e12',
  '+1577836800000'
]) AS v, pg_temp.try(format('SET flakeid.epoch = %L', v)) AS t;
-- ... and these are fine: a leap day, the latest moment, zero finer digits.
SELECT v AS epoch, t.state
FROM unnest(ARRAY['2020-02-29 00:00:00Z', '9999-12-31 23:59:59.999Z',
                  '2020-01-01 00:00:00.0000Z', '1970-01-01 00:00:00-01', '0']) AS v,
     pg_temp.try(format('SET flakeid.epoch = %L', v)) AS t;
RESET flakeid.epoch;
SHOW flakeid.epoch;

SET flakeid.epoch = '2020-01-01';
\echo :LAST_ERROR_SQLSTATE
SET flakeid.epoch = 'yesterday';
SET flakeid.epoch = '2020-13-01 00:00:00Z';
SET flakeid.epoch = '1969-12-31 23:59:59Z';
SET flakeid.epoch = '-5';
SET flakeid.epoch = '99999999999999999';

-- ---- node ids and the clock tolerance -------------------------------------------------
-- -1 (from the environment) is the least node id; the most is 2147483647.
ALTER SYSTEM SET flakeid.datacenter_id = -2;
\echo :LAST_ERROR_SQLSTATE
ALTER SYSTEM SET flakeid.machine_id = 2147483648;
ALTER SYSTEM SET flakeid.machine_id = 'seven';
-- (Out-of-range values of the settings with units: 08_version_specific.)
-- Nothing was written to postgresql.auto.conf.
SELECT count(*) AS flakeid_lines FROM pg_file_settings WHERE name LIKE 'flakeid.%';

-- ---- bad arguments --------------------------------------------------------------------
SELECT s AS statement, t.state, t.message
FROM unnest(ARRAY[
  'SELECT flakeid_next_ids(-1)',
  'SELECT flakeid_next_ids(-2147483648)',
  'SELECT flakeid_decode(-1)',
  'SELECT flakeid_decode(-9223372036854775808)',
  'SELECT flakeid_decode(-1, ''twitter'')',
  'SELECT flakeid_decode(1, ''bogus'')',
  'SELECT flakeid_decode(1, '''')',
  'SELECT flakeid_decode(1, ''41,5,5'')',
  'SELECT flakeid_decode(1, ''41,5,5,13'')',
  'SELECT flakeid_decode(1, ''twitter'', -1)',
  'SELECT flakeid_decode(1, ''twitter'', 253402300800000)',
  'SELECT flakeid_decode(1, ''twitter'', 253402300799999)'
]) AS s, pg_temp.try(s) AS t;

SELECT * FROM flakeid_next_ids(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flakeid_decode(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flakeid_decode(1, 'bogus');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flakeid_decode(1, 'twitter', -1);
\echo :LAST_ERROR_SQLSTATE

-- Timestamps past PostgreSQL's calendar. With 63 timestamp bits and the Unix epoch an ID
-- is its own Unix milliseconds. timestamptz ends before END_TIMESTAMP, 294277-01-01 00:00
-- UTC = 9223371331200000000 us after 2000-01-01; its last whole millisecond is
-- 9223371331199999 ms after 2000-01-01, plus 946684800000 ms from 1970 to 2000:
-- 9224318015999999 ms after 1970-01-01 = 294276-12-31 23:59:59.999 UTC.
SELECT * FROM flakeid_decode(9224318015999999, '63,0,0,0', 0);
SELECT * FROM flakeid_decode(9224318016000000, '63,0,0,0', 0);
\echo :LAST_ERROR_SQLSTATE
-- With the latest epoch and the largest ID, epoch + timestamp overflows 64 bits:
-- 9223372036854775807 + 253402300799999 > 2^63 - 1. The field is the whole ID (T = 63).
SELECT * FROM flakeid_decode(9223372036854775807, '63,0,0,0', 253402300799999);
\echo :LAST_ERROR_SQLSTATE
-- The same through the session's layout and epoch.
SET flakeid.layout = '63,0,0,0';
SET flakeid.epoch = 0;
SELECT generated_at FROM flakeid_decode(9224318015999999);
SELECT generated_at FROM flakeid_decode(9224318016000000);
RESET flakeid.epoch;

-- ---- errors of generation ---------------------------------------------------------------
-- The epoch is in the future (FL003). The detail gives the server clock, so only the
-- SQLSTATE and message are shown.
SET flakeid.layout = 'twitter';
SET flakeid.epoch = '9999-01-01 00:00:00Z';
SELECT state, message FROM pg_temp.try('SELECT flakeid_next()');
SELECT state, message FROM pg_temp.try('SELECT flakeid_next_ids(5)');
\set VERBOSITY terse
SELECT flakeid_next();
\set VERBOSITY default
\echo :LAST_ERROR_SQLSTATE
-- Decoding does not need the clock.
SELECT timestamp_ms, generated_at FROM flakeid_decode(0);
RESET flakeid.epoch;

-- The timestamp range is used up (FL002): 40 timestamp bits counted from 1970 ended at
-- 2^40 - 1 = 1099511627775 ms = 12725 days + 71627.775 s = 2004-11-03 19:53:47.775 UTC;
-- a single timestamp bit from 2020 ended at 2020-01-01 00:00:00.001.
SET flakeid.layout = '40,5,5,13';
SET flakeid.epoch = 0;
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM flakeid_next_ids(1);
RESET flakeid.epoch;
SET flakeid.layout = '1,31,31,0';
SELECT flakeid_next();

-- ---- the session goes on ------------------------------------------------------------
RESET flakeid.layout;
SELECT flakeid_next() > 0 AS works;
-- An error inside a transaction loses only what a savepoint puts at stake.
CREATE TABLE kept (id bigint PRIMARY KEY DEFAULT flakeid_next(), note text);
BEGIN;
INSERT INTO kept (note) VALUES ('before');
SAVEPOINT s;
SELECT flakeid_decode(-1);
ROLLBACK TO SAVEPOINT s;
SET LOCAL flakeid.epoch = '9999-01-01 00:00:00Z';
SAVEPOINT t;
\set VERBOSITY terse
INSERT INTO kept (note) VALUES ('refused');
\set VERBOSITY default
ROLLBACK TO SAVEPOINT t;
RESET flakeid.epoch;
INSERT INTO kept (note) VALUES ('after');
COMMIT;
SELECT note FROM kept ORDER BY id;
DROP TABLE kept;
