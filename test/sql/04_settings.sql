-- 04_settings: the flakeid.* settings. Layout and epoch per session and per database;
-- node ids only from the server's configuration (ALTER SYSTEM + reload), written into new
-- IDs, and refused at generation time when they do not fit the layout.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- The settings exist once the library is loaded in the session (the extension is not
-- preloaded on this server).
LOAD 'flakeid';

-- Defaults and who may change what: layout and epoch superuser, node ids the server's
-- configuration only (sighup).
SELECT name, setting, unit, context, vartype, boot_val, min_val, max_val
FROM pg_settings WHERE name LIKE 'flakeid.%' ORDER BY name;

-- ---- flakeid.layout ---------------------------------------------------------------
-- Preset names are case-insensitive and may carry spaces; SHOW gives the text as set,
-- flakeid_capacity() the layout it names.
SET flakeid.layout = 'TWITTER';
SHOW flakeid.layout;
SELECT layout, timestamp_bits, datacenter_bits, machine_bits, sequence_bits FROM flakeid_capacity();
SET flakeid.layout = ' twitter ';
SHOW flakeid.layout;
SELECT layout FROM flakeid_capacity();
SET flakeid.layout = 'High_Throughput';
SELECT layout FROM flakeid_capacity();
SET flakeid.layout = 'single_DC';
SELECT layout FROM flakeid_capacity();
SET flakeid.layout = 'Minimal';
SELECT layout FROM flakeid_capacity();
-- Four widths, spaces allowed; 41,8,8,6 is the large_cluster preset.
SET flakeid.layout = '41, 8, 8, 6';
SELECT layout, timestamp_bits, datacenter_bits, machine_bits, sequence_bits FROM flakeid_capacity();
SET flakeid.layout = '42,4,5,12';
SELECT layout, timestamp_bits, datacenter_bits, machine_bits, sequence_bits FROM flakeid_capacity();

-- New IDs follow the layout of the moment: under 42,4,5,12 the timestamp field starts at
-- bit 21, so a fresh ID shifted right by 21 is its milliseconds since the epoch.
SELECT abs((flakeid_next() >> 21) + 1577836800000
           - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 1000 AS made_under_42_bits;
SET flakeid.layout = 'twitter';
SELECT abs((flakeid_next() >> 22) + 1577836800000
           - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 1000 AS made_under_twitter;

-- SET LOCAL ends with its transaction; a SET rolled back is undone.
SET flakeid.layout = 'minimal';
BEGIN;
SET LOCAL flakeid.layout = 'single_dc';
SELECT layout FROM flakeid_capacity();
COMMIT;
SELECT layout FROM flakeid_capacity();
BEGIN;
SET flakeid.layout = 'large_cluster';
SELECT layout FROM flakeid_capacity();
ROLLBACK;
SELECT layout FROM flakeid_capacity();
RESET flakeid.layout;
SHOW flakeid.layout;

-- ---- flakeid.epoch ----------------------------------------------------------------
-- Every spelling of 2020-01-01 00:00 UTC is the same epoch, 1577836800000 ms.
SELECT e AS epoch_text,
       (SELECT (extract(epoch FROM c.epoch) * 1000)::bigint
        FROM (SELECT set_config('flakeid.epoch', e, true)) AS s, flakeid_capacity() AS c)
         AS epoch_ms
FROM unnest(ARRAY['2020-01-01 00:00:00+00', '2020-01-01T00:00:00Z', '2020-01-01t00:00z',
                  '2020-01-01 00:00:00.000Z', '2020-01-01 01:00+01', '2020-01-01 01:00:00+0100',
                  '2019-12-31 19:00:00-05:00', '1577836800000', ' 1577836800000 ']) AS e;
-- The range ends: 1970-01-01 (0) and 9999-12-31 23:59:59.999 (253402300799999: 2932897
-- days from 1970-01-01 to 10000-01-01, times 86400000, minus 1).
SET flakeid.epoch = '1970-01-01 00:00:00Z';
SELECT epoch FROM flakeid_capacity();
SET flakeid.epoch = '253402300799999';
SELECT epoch FROM flakeid_capacity();
SET flakeid.epoch = '9999-12-31T23:59:59.999Z';
SELECT epoch FROM flakeid_capacity();
RESET flakeid.epoch;
SHOW flakeid.epoch;

-- ---- per database: ALTER DATABASE ... SET, seen by new connections ---------------
ALTER DATABASE contrib_regression SET flakeid.layout = 'twitter';
ALTER DATABASE contrib_regression SET flakeid.epoch = '1288834974657';
-- This session keeps what it had ...
SELECT layout, epoch FROM flakeid_capacity();
-- ... a new one takes the database's settings.
\c
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SHOW flakeid.layout;
SELECT layout, epoch FROM flakeid_capacity();
-- Its IDs are made under them: 4194463749 is 1000 ms after Twitter's epoch, and a fresh
-- ID decodes to now.
SELECT generated_at FROM flakeid_decode(4194463749);
SELECT abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS made_now
FROM flakeid_decode(flakeid_next());
-- A session may still override them.
SET flakeid.layout = 'minimal';
SELECT layout, epoch FROM flakeid_capacity();
ALTER DATABASE contrib_regression RESET flakeid.layout;
ALTER DATABASE contrib_regression RESET flakeid.epoch;
\c
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SELECT layout, epoch FROM flakeid_capacity();

-- ---- parallel workers -----------------------------------------------------------------
-- flakeid_next() is PARALLEL UNSAFE, like nextval(): it may have to advance its durable
-- high-water mark, which a parallel worker cannot write. Even when parallel query is forced
-- (force_parallel_mode, named debug_parallel_query from 16) it runs in the leader (a plain
-- Result, no Gather); its IDs follow and decode to now.
SET flakeid.layout = 'twitter';
SET flakeid.epoch = '1288834974657';
SELECT flakeid_next() AS leader_id \gset
SELECT CASE WHEN current_setting('server_version_num')::int < 160000 THEN 'force_parallel_mode'
            ELSE 'debug_parallel_query' END AS force_parallel \gset
SET :force_parallel = on;
EXPLAIN (COSTS OFF) SELECT flakeid_next();
SELECT flakeid_next() AS worker_id \gset
SELECT count(*) AS ids, count(DISTINCT id) AS distinct_ids, min(id) > :worker_id AS after_worker_id
FROM flakeid_next_ids(5000) AS t(id);
RESET :force_parallel;
SELECT :worker_id > :leader_id AS after_leader_id,
       abs(extract(epoch FROM generated_at - clock_timestamp())) < 1 AS made_now
FROM flakeid_decode(:worker_id);
RESET flakeid.epoch;
RESET flakeid.layout;

-- ---- node ids: server configuration only --------------------------------------------
-- A session cannot set them, nor can a role's or a database's settings.
SET flakeid.datacenter_id = 1;
\echo :LAST_ERROR_SQLSTATE
SET flakeid.machine_id = 7;
SELECT set_config('flakeid.machine_id', '7', false);
ALTER ROLE CURRENT_USER SET flakeid.machine_id = 7;
ALTER DATABASE contrib_regression SET flakeid.datacenter_id = 1;
-- Unset (-1) and no FLAKEID_DATACENTER_ID / FLAKEID_MACHINE_ID in the server's
-- environment: node ids 0.
SHOW flakeid.datacenter_id;
SHOW flakeid.machine_id;
SET flakeid.layout = 'twitter';
SELECT datacenter_id, machine_id FROM flakeid_decode(flakeid_next());

-- ALTER SYSTEM and a reload. The backend rereads the configuration before its next
-- command once the server has passed the reload on; the pause leaves time for that.
ALTER SYSTEM SET flakeid.datacenter_id = 1;
ALTER SYSTEM SET flakeid.machine_id = 7;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW flakeid.datacenter_id;
SHOW flakeid.machine_id;
-- This session's next ID carries them: twitter puts datacenter 1 at bit 17 and machine 7
-- at bit 12, so (id >> 12) & 1023 = 1 * 32 + 7 = 39.
SELECT flakeid_next() AS node_id \gset
SELECT datacenter_id, machine_id, (:node_id >> 12) & 1023 AS node_bits
FROM flakeid_decode(:node_id);
-- So do those of flakeid_next_ids.
SELECT count(*) AS ids, bool_and(datacenter_id = 1 AND machine_id = 7) AS all_dc1_machine7
FROM flakeid_next_ids(5000) AS t(id), flakeid_decode(t.id);
-- large_cluster and high_throughput have room for them too; the field positions differ:
-- large_cluster dc << 14 | machine << 6, high_throughput dc << 19 | machine << 16.
SET flakeid.layout = 'large_cluster';
SELECT flakeid_next() AS node_id \gset
SELECT datacenter_id, machine_id, (:node_id >> 6) & 65535 AS node_bits_1_times_256_plus_7
FROM flakeid_decode(:node_id);
SET flakeid.layout = 'high_throughput';
SELECT flakeid_next() AS node_id \gset
SELECT datacenter_id, machine_id, (:node_id >> 16) & 63 AS node_bits_1_times_8_plus_7
FROM flakeid_decode(:node_id);

-- minimal has no node bits, single_dc no datacenter bits: datacenter 1 does not fit, and
-- asking for an ID is an error (FL004), never a silently truncated ID.
SET flakeid.layout = 'minimal';
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM flakeid_next_ids(3);
SET flakeid.layout = 'single_dc';
SELECT flakeid_next();
-- Decoding needs no node ids.
SELECT datacenter_id, machine_id, sequence FROM flakeid_decode(4196409343);

-- A new connection gets them from the server.
\c
LOAD 'flakeid';
SHOW flakeid.datacenter_id;
SHOW flakeid.machine_id;
SET flakeid.layout = 'twitter';
SELECT datacenter_id, machine_id FROM flakeid_decode(flakeid_next());

-- A machine id that does not fit the layout's field: twitter has 5 machine bits, 0 to 31.
ALTER SYSTEM SET flakeid.machine_id = 40;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW flakeid.machine_id;
SELECT flakeid_next();
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM flakeid_next_ids(10);
\echo :LAST_ERROR_SQLSTATE
-- The session goes on: large_cluster has 8 machine bits, room for 40.
SET flakeid.layout = 'large_cluster';
SELECT datacenter_id, machine_id FROM flakeid_decode(flakeid_next());
-- 31 is the largest twitter machine id.
ALTER SYSTEM SET flakeid.machine_id = 31;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SET flakeid.layout = 'twitter';
SELECT datacenter_id, machine_id FROM flakeid_decode(flakeid_next());

-- Back to the defaults.
ALTER SYSTEM RESET flakeid.datacenter_id;
ALTER SYSTEM RESET flakeid.machine_id;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
SHOW flakeid.datacenter_id;
SHOW flakeid.machine_id;
SELECT datacenter_id, machine_id FROM flakeid_decode(flakeid_next());
RESET flakeid.layout;
SELECT layout FROM flakeid_capacity();
-- Nothing is left in postgresql.auto.conf or in the database's settings.
SELECT count(*) AS flakeid_lines FROM pg_file_settings WHERE name LIKE 'flakeid.%';
SELECT count(*) AS stored_flakeid_settings
FROM pg_db_role_setting, unnest(setconfig) AS c WHERE c LIKE 'flakeid.%';
