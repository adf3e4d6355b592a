-- 03_decode: IDs taken apart, under every preset, with the session's layout and epoch
-- (flakeid_decode(id), STABLE) and with explicit ones (flakeid_decode(id, layout, epoch_ms),
-- IMMUTABLE); fresh IDs recomposed from their fields; custom epochs; the IMMUTABLE form in
-- generated columns and expression indexes.
--
-- IDs worked out by hand, each with a timestamp field of 1000 ms, so timestamp_ms =
-- 1577836800000 + 1000 = 1577836801000 and generated_at = 2020-01-01 00:00:01 UTC:
--
--   twitter 41,5,5,12: ts << 22 | dc << 17 | machine << 12 | seq
--     dc 1, machine 7, seq 5:
--     1000*4194304 + 1*131072 + 7*4096 + 5 = 4194304000 + 131072 + 28672 + 5 = 4194463749
--   minimal 53,0,0,10: ts << 10 | seq
--     seq 5: 1000*1024 + 5 = 1024005
--   single_dc 41,0,10,12: ts << 22 | machine << 12 | seq
--     machine 513, seq 4095 (the largest):
--     4194304000 + 513*4096 + 4095 = 4194304000 + 2101248 + 4095 = 4196409343
--   large_cluster 41,8,8,6: ts << 22 | dc << 14 | machine << 6 | seq
--     dc 200, machine 255, seq 63:
--     4194304000 + 200*16384 + 255*64 + 63 = 4194304000 + 3276800 + 16320 + 63 = 4197597183
--   high_throughput 41,3,3,16: ts << 22 | dc << 19 | machine << 16 | seq
--     dc 5, machine 6, seq 65535:
--     4194304000 + 5*524288 + 6*65536 + 65535 = 4194304000 + 2621440 + 393216 + 65535
--     = 4197384191
--
-- The largest bigint, 2^63 - 1, has every field at its maximum. Under the 41-bit presets
-- its timestamp is 2^41 - 1 = 2199023255551 ms after the epoch: 3776860055551 ms =
-- 2089-09-06 15:47:35.551 UTC (see 02_layouts); under minimal 2^53 - 1 ms after it:
-- 9008777091540991 ms = 287446-10-13 08:59:00.991 UTC.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- The hand-made IDs with the IMMUTABLE form (default epoch 2020-01-01 = 1577836800000).
SELECT l.layout, d.*
FROM (VALUES ('twitter', 4194463749),
             ('minimal', 1024005),
             ('single_dc', 4196409343),
             ('large_cluster', 4197597183),
             ('high_throughput', 4197384191)) AS l(layout, id),
     flakeid_decode(l.id, l.layout) AS d;

-- The same with the session's layout: flakeid_decode(id).
SET flakeid.layout = 'twitter';
SELECT * FROM flakeid_decode(4194463749);
SET flakeid.layout = 'minimal';
SELECT * FROM flakeid_decode(1024005);
SET flakeid.layout = 'single_dc';
SELECT * FROM flakeid_decode(4196409343);
SET flakeid.layout = 'large_cluster';
SELECT * FROM flakeid_decode(4197597183);
SET flakeid.layout = 'high_throughput';
SELECT * FROM flakeid_decode(4197384191);
RESET flakeid.layout;

-- Zero is the epoch itself, every field zero.
SELECT l.layout, d.*
FROM unnest(ARRAY['twitter', 'minimal', 'single_dc', 'large_cluster', 'high_throughput'])
       AS l(layout),
     flakeid_decode(0, l.layout) AS d;

-- The largest bigint: every field all ones. Datacenter 2^D - 1, machine 2^M - 1,
-- sequence 2^S - 1: twitter 31/31/4095, minimal 0/0/1023, single_dc 0/1023/4095,
-- large_cluster 255/255/63, high_throughput 7/7/65535.
SELECT l.layout, d.*
FROM unnest(ARRAY['twitter', 'minimal', 'single_dc', 'large_cluster', 'high_throughput'])
       AS l(layout),
     flakeid_decode(9223372036854775807, l.layout) AS d;

-- Where the fields sit in a twitter ID: datacenter is bits 21-17, machine 16-12, sequence
-- 11-0. A single bit set at each edge lands in the field expected: bit 0 -> sequence 1,
-- bit 11 -> sequence 2048, bit 12 -> machine 1, bit 16 -> machine 16, bit 17 ->
-- datacenter 1, bit 21 -> datacenter 16, bit 22 -> timestamp 1 ms, bit 62 -> timestamp
-- 2^40 ms = 1099511627776 ms after the epoch = 2677348427776 ms = 2054-11-03 19:53:47.776.
SELECT b AS bit, d.timestamp_ms - 1577836800000 AS timestamp_field, d.generated_at,
       d.datacenter_id, d.machine_id, d.sequence
FROM unnest(ARRAY[0, 11, 12, 16, 17, 21, 22, 62]) AS b,
     flakeid_decode(1::bigint << b, 'twitter') AS d;

-- Layout names are case-insensitive and may carry spaces, here as in the setting; widths
-- may be written out.
SELECT l.layout, d.datacenter_id, d.machine_id, d.sequence
FROM unnest(ARRAY['TWITTER', ' Twitter ', '41,5,5,12', ' 41 , 5 , 5 , 12 ']) AS l(layout),
     flakeid_decode(4194463749, l.layout) AS d;

-- The STABLE and the IMMUTABLE forms agree for the session's layout and epoch.
SET flakeid.layout = 'large_cluster';
SELECT (SELECT d FROM flakeid_decode(4197597183) AS d)
     = (SELECT d FROM flakeid_decode(4197597183, 'large_cluster') AS d) AS same;
RESET flakeid.layout;

-- Round trip: a freshly made ID, decoded under the layout it was made with, recomposes to
-- itself: ((timestamp_ms - epoch) << (D+M+S)) | (dc << (M+S)) | (machine << S) | sequence.
-- The node ids are 0 here (04_settings sets them); the sequence fits its field and the
-- ID was made within the last second.
CREATE FUNCTION pg_temp.round_trip()
RETURNS TABLE (layout text, recomposes boolean, sequence_fits boolean, made_within_1s boolean,
               forms_agree boolean)
LANGUAGE sql AS $$
  WITH c AS (SELECT * FROM flakeid_capacity()),
       id AS (SELECT flakeid_next() AS id),
       d AS (SELECT f.* FROM id, flakeid_decode(id.id) AS f)
  SELECT c.layout,
         ((d.timestamp_ms - (extract(epoch FROM c.epoch) * 1000)::bigint)
            << (c.datacenter_bits + c.machine_bits + c.sequence_bits))
           | (d.datacenter_id::bigint << (c.machine_bits + c.sequence_bits))
           | (d.machine_id::bigint << c.sequence_bits)
           | d.sequence
           = id.id,
         d.sequence < c.ids_per_ms,
         abs(extract(epoch FROM d.generated_at - clock_timestamp())) < 1,
         (SELECT f FROM flakeid_decode(id.id, current_setting('flakeid.layout'),
                                       (extract(epoch FROM c.epoch) * 1000)::bigint) AS f)
           = (SELECT f FROM flakeid_decode(id.id) AS f)
  FROM c, id, d
$$;

SET flakeid.layout = 'twitter';
SELECT * FROM pg_temp.round_trip();
SET flakeid.layout = 'single_dc';
SELECT * FROM pg_temp.round_trip();
SET flakeid.layout = 'large_cluster';
SELECT * FROM pg_temp.round_trip();
SET flakeid.layout = 'high_throughput';
SELECT * FROM pg_temp.round_trip();
SET flakeid.layout = 'minimal';
SELECT * FROM pg_temp.round_trip();
-- and a custom layout
SET flakeid.layout = '42,4,5,12';
SELECT * FROM pg_temp.round_trip();
RESET flakeid.layout;

-- Custom epochs. Twitter's own epoch, 1288834974657 ms = 2010-11-04 01:42:54.657 UTC
-- (14917 days = 2010-11-04, and 6174.657 s = 01:42:54.657), as integer milliseconds:
-- the same twitter ID 4194463749 is then 1000 ms after it, 2010-11-04 01:42:55.657.
SET flakeid.layout = 'twitter';
SET flakeid.epoch = '1288834974657';
SELECT epoch FROM flakeid_capacity();
SELECT * FROM flakeid_decode(4194463749);
SELECT * FROM flakeid_decode(4194463749, 'twitter', 1288834974657);
-- IDs made under that epoch decode to now.
SELECT * FROM pg_temp.round_trip();

-- ISO-8601 with an offset: 2021-06-15T12:30:00.250+02:00 is 10:30:00.250 UTC:
-- 2021-01-01 is day 51*365 + 13 = 18628; June 15 is day 165 of the year; 18793 days =
-- 1623715200000 ms, plus 10:30:00.250 = 37800250 ms: 1623753000250.
SET flakeid.epoch = '2021-06-15T12:30:00.250+02:00';
SELECT epoch, (extract(epoch FROM epoch) * 1000)::bigint AS epoch_ms FROM flakeid_capacity();
SELECT * FROM flakeid_decode(0);
SELECT * FROM flakeid_decode(4194463749);
SELECT * FROM flakeid_decode(4194463749, 'twitter', 1623753000250);
SELECT * FROM pg_temp.round_trip();
-- The same instant written in UTC is the same epoch.
SET flakeid.epoch = '2021-06-15 10:30:00.250Z';
SELECT (extract(epoch FROM epoch) * 1000)::bigint AS epoch_ms FROM flakeid_capacity();
-- The Unix epoch itself.
SET flakeid.epoch = 0;
SELECT * FROM flakeid_decode(4194463749);
RESET flakeid.epoch;
RESET flakeid.layout;

-- The IMMUTABLE form in a generated column and in an expression index.
CREATE TABLE events (
  id bigint PRIMARY KEY,
  made_at timestamptz GENERATED ALWAYS AS ((flakeid_decode(id, 'twitter')).generated_at) STORED,
  machine integer GENERATED ALWAYS AS ((flakeid_decode(id, 'twitter')).machine_id) STORED
);
CREATE INDEX events_datacenter ON events (((flakeid_decode(id, 'twitter')).datacenter_id));
INSERT INTO events (id) VALUES (4194463749), (0), (9223372036854775807);
SELECT * FROM events ORDER BY id;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT id FROM events WHERE (flakeid_decode(id, 'twitter')).datacenter_id = 31;
SELECT id FROM events WHERE (flakeid_decode(id, 'twitter')).datacenter_id = 31;
RESET enable_seqscan;

-- The STABLE form depends on settings, so PostgreSQL refuses it in both places.
CREATE TABLE events_stable (
  id bigint,
  made_at timestamptz GENERATED ALWAYS AS ((flakeid_decode(id)).generated_at) STORED
);
CREATE INDEX ON events (((flakeid_decode(id)).datacenter_id));
DROP TABLE events;
