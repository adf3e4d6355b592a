-- 20_node_span: flakeid_node(), the node that made an ID (the shard a router such as
-- PL/Proxy sends it to), and flakeid_span(), the width in IDs of a time span (the interval
-- of pg_partman's ID range partitions); under the current layout and (IMMUTABLE) under the
-- layout given; and their refusals.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET flakeid.layout = 'twitter';

\i test/sql/include/try.sql

-- ---- flakeid_node ------------------------------------------------------------------
-- Worked by hand: under twitter (41,5,5,12) the ID of timestamp 1000, datacenter 3,
-- machine 17, sequence 5 is 1000 * 2^22 + 3 * 2^17 + 17 * 2^12 + 5 = 4194304000 + 393216
-- + 69632 + 5 = 4194766853. Its node is 3 << 5 | 17 = 96 + 17 = 113.
SELECT flakeid_node(4194766853) AS node_current,
       flakeid_node(4194766853, 'twitter') AS node_twitter;
-- The node is the datacenter and machine of flakeid_decode(), side by side.
SELECT datacenter_id, machine_id, datacenter_id * 32 + machine_id AS by_hand
FROM flakeid_decode(4194766853);
-- Datacenter above machine: under 41,1,1,20 the ID 7 * 2^22 + 1 * 2^21 + 0 * 2^20 + 99 =
-- 29360128 + 2097152 + 99 = 31457379 is datacenter 1, machine 0: node 1 << 1 | 0 = 2.
-- The same number under twitter: 31457379 >> 17 = 240 (31457379 / 131072 = 240.0007),
-- datacenter 240 & 31 = 16; 31457379 >> 12 = 7680, machine 7680 & 31 = 0: node
-- 16 << 5 = 512. minimal has no node bits: node 0. Layouts side by side in one database.
SELECT flakeid_node(31457379, '41,1,1,20') AS four_shards,
       flakeid_node(31457379, 'twitter') AS twitter,
       flakeid_node(31457379, 'minimal') AS minimal,
       flakeid_node(31457379) AS current_twitter;
-- The four nodes of 41,1,1,20: (datacenter, machine) (0,0) (0,1) (1,0) (1,1) are 0, 1, 2,
-- 3; the IDs are 2^22 (timestamp 1) + datacenter * 2^21 + machine * 2^20.
SELECT n AS expected, flakeid_node(4194304 + (n >> 1) * 2097152 + (n & 1) * 1048576,
                                   '41,1,1,20') AS node
FROM generate_series(0, 3) AS n;
-- The current layout is read at each call: the same ID under another SET.
SET flakeid.layout = '41,1,1,20';
SELECT flakeid_node(31457379) AS current_four_shards;
SET flakeid.layout = 'minimal';
SELECT flakeid_node(31457379) AS current_minimal;
SET flakeid.layout = 'twitter';
-- A new ID names the node that made it: this server's datacenter and machine ids are
-- server settings that test/regress.conf leaves at 0 (test/t/060 runs four nodes).
SELECT flakeid_node(flakeid_next()) AS own_node,
       (SELECT datacenter_id * 32 + machine_id FROM flakeid_decode(flakeid_next())) AS decoded;
-- The largest node that fits an integer: 32,16,15,0 has 31 node bits, and the largest ID
-- has all of them set: 2^31 - 1 = 2147483647.
SELECT flakeid_node(9223372036854775807, '32,16,15,0') AS widest_integer_node;
-- NULL in, NULL out.
SELECT flakeid_node(NULL) IS NULL AS node_null, flakeid_node(NULL, 'twitter') IS NULL AS with_null;

-- Refusals: a negative ID (22003, as flakeid_decode), a node of 32 bits (FL014), a bad
-- layout (22023) and a bad epoch (22023) in the IMMUTABLE form.
SELECT * FROM pg_temp.try($$SELECT flakeid_node(-1)$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_node(-9223372036854775808, 'twitter')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_node(9223372036854775807, '31,16,16,0')$$);
-- The layout decides, not the ID: under 62 node bits even the keys of small nodes (node 1,
-- node 2^31 - 1) are refused, so a router under such a layout fails on its first key, not
-- only once a node past 2^31 - 1 makes keys (issue 19, item 8).
SELECT * FROM pg_temp.try($$SELECT flakeid_node(1, '1,31,31,0')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_node(2147483647, '1,31,31,0')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_node(1, 'nosuch')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_node(1, 'twitter', -1)$$);

-- ---- flakeid_span ------------------------------------------------------------------
-- Worked by hand: a day is 86,400,000 ms. twitter has 5 + 5 + 12 = 22 bits below the
-- timestamp: 86,400,000 * 4,194,304 = 362,387,865,600,000. minimal has 10:
-- 86,400,000 * 1,024 = 88,473,600,000. One millisecond of twitter is 2^22 = 4194304; an
-- hour 3,600,000 * 4,194,304 = 15,099,494,400,000; '1 day 02:00:00.5' is 86,400,000 +
-- 7,200,000 + 500 = 93,600,500 ms, under minimal 93,600,500 * 1,024 = 95,846,912,000.
SELECT flakeid_span('1 day') AS day_current,
       flakeid_span('1 day', 'twitter') AS day_twitter,
       flakeid_span('1 day', 'minimal') AS day_minimal;
SELECT flakeid_span('1 ms', 'twitter') AS ms_twitter,
       flakeid_span('1 hour', 'twitter') AS hour_twitter,
       flakeid_span('1 day 02:00:00.5', 'minimal') AS mixed_minimal;
-- A day is 24 hours of UTC: '24 hours' and '86400 seconds' are the same width, and
-- '1 day -1 hour' is 23 hours: 23 * 3,600,000 * 2^22 = 347,288,371,200,000.
SELECT flakeid_span('24 hours') = flakeid_span('1 day') AS hours,
       flakeid_span('86400 seconds') = flakeid_span('1 day') AS seconds,
       flakeid_span('1 day -1 hour') AS day_less_an_hour;
-- The span is the distance between the first IDs of two midnights, and the last ID of a
-- day is one below the next day's first: partitions [min(d), min(d) + span) hold day d.
SELECT flakeid_min_id('2026-03-09 00:00:00+00') - flakeid_min_id('2026-03-08 00:00:00+00')
         = flakeid_span('1 day') AS distance,
       flakeid_max_id('2026-03-08 23:59:59.999+00') + 1
         = flakeid_min_id('2026-03-08 00:00:00+00') + flakeid_span('1 day') AS adjacent;
-- Midnight UTC is a multiple of the span when the epoch is a midnight UTC (the default,
-- 2020-01-01): 2026-03-08 is 195,091,200,000 ms = 2258 days after it. So pg_partman, which
-- counts partitions from ID 0, puts every bound on a midnight.
SELECT flakeid_min_id('2026-03-08 00:00:00+00') % flakeid_span('1 day') AS midnight_remainder,
       flakeid_min_id('2026-03-08 00:00:00+00') / flakeid_span('1 day') AS days_since_epoch;
-- Under another TimeZone, with a DST change that very day (New York moves to EDT on
-- 2026-03-08), a span is still 24 hours, and date_trunc(..., 'UTC') still finds midnight
-- UTC; date_trunc without the zone finds New York's midnight, 05:00 UTC, which is 5 hours
-- = 5 * 3,600,000 * 2^22 = 75,497,472,000,000 IDs past the bound.
SET timezone = 'America/New_York';
SELECT flakeid_min_id('2026-03-09 00:00:00+00') - flakeid_min_id('2026-03-08 00:00:00+00')
         = flakeid_span('1 day') AS dst_day_is_24h,
       flakeid_min_id(date_trunc('day', '2026-03-08 15:00:00+00'::timestamptz, 'UTC'))
         % flakeid_span('1 day') AS utc_midnight_remainder,
       flakeid_min_id(date_trunc('day', '2026-03-08 15:00:00+00'::timestamptz))
         % flakeid_span('1 day') AS local_midnight_remainder;
SET timezone = 'UTC';
-- An epoch that is not a midnight (01:00 UTC, 1577840400000) puts midnight 23 hours =
-- 23 * 3,600,000 * 2^22 = 347,288,371,200,000 IDs past a multiple of the span.
SELECT flakeid_min_id('2026-03-08 00:00:00+00', 'twitter', 1577840400000)
         % flakeid_span('1 day', 'twitter') AS epoch_0100_remainder;
-- The widest spans: twitter counts 2^41 - 1 = 2,199,023,255,551 ms; 25451 days =
-- 2,198,966,400,000 ms fit: 2,198,966,400,000 * 2^22 = 9,223,133,567,385,600,000.
-- minimal counts 2^53 - 1 ms; 104249991 days = 9,007,199,222,400,000 ms fit:
-- * 1024 = 9,223,372,003,737,600,000.
SELECT flakeid_span('25451 days', 'twitter') AS widest_twitter,
       flakeid_span('104249991 days', 'minimal') AS widest_minimal;
-- NULL in, NULL out.
SELECT flakeid_span(NULL) IS NULL AS span_null, flakeid_span(NULL, 'twitter') IS NULL AS with_null;

-- Refusals, each FL014 with a hint: months, a fraction of a millisecond, zero, negative,
-- and spans wider than the layout counts (25452 days = 2,199,052,800,000 ms > 2^41 - 1
-- under twitter; 104249992 days > 2^53 - 1 ms under minimal); a bad layout is 22023.
SELECT * FROM pg_temp.try($$SELECT flakeid_span('1 month')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('1 year', 'minimal')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('1.5 ms')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('0.5 ms', 'twitter')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('0')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('-1 day')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('1 day -25 hours')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('25452 days')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('104249992 days', 'minimal')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('1 day', 'nosuch')$$);

-- ---- IMMUTABLE forms: usable where PostgreSQL needs IMMUTABLE ------------------------
SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS args, p.provolatile
FROM pg_proc p
WHERE p.proname IN ('flakeid_node', 'flakeid_span')
ORDER BY 1, 2;
CREATE TABLE shard_keys (
  id bigint PRIMARY KEY,
  node integer GENERATED ALWAYS AS (flakeid_node(id, 'twitter')) STORED);
INSERT INTO shard_keys (id) VALUES (4194766853), (31457379);
SELECT id, node FROM shard_keys ORDER BY id;
DROP TABLE shard_keys;

-- ---- a role without rights ---------------------------------------------------------
-- Both functions need no privilege; the role reads the layout a superuser set.
CREATE ROLE regress_flakeid_shard_user;
SET ROLE regress_flakeid_shard_user;
SELECT flakeid_node(4194766853) AS node, flakeid_span('1 day') AS span,
       flakeid_span('1 day', 'minimal') AS span_minimal;
RESET ROLE;
DROP ROLE regress_flakeid_shard_user;
