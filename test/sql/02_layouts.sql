-- 02_layouts: the presets (flakeid_layouts) and what each layout can hold (flakeid_capacity).
--
-- Worked out by hand (and re-checked with an independent script):
--   years       = 2^T / (365.25 * 86 400 000)
--                 T=41: 2199023255552 / 31557600000 = 69.68...   -> 69.7
--                 T=53: 9007199254740992 / 31557600000 = 285420.92... -> 285420.9
--                 T=40: 34.84...                                   -> 34.8
--                 T=63: 9223372036854775808 / 31557600000 = 292271023.045... -> 292271023.0
--                 T=1:  2 / 31557600000 = 6.3e-11                  -> 0.0
--   nodes       = 2^(D+M); ids_per_ms = 2^S; ids_per_sec = 1000 * 2^S
--   ends_at     = epoch + 2^T - 1 ms, epoch 2020-01-01 = 1577836800000 ms:
--     T=41: 1577836800000 + 2199023255551 = 3776860055551 ms
--           = 43713 days + 56855.551 s = 2089-09-06 15:47:35.551 UTC
--           (2089-01-01 is day 119*365+30 = 43465; day 248 of 2089 is Sep 6;
--            56855 s = 15 h 47 min 35 s)
--     T=53: 1577836800000 + 9007199254740991 = 9008777091540991 ms = 287446-10-13 08:59:00.991
--     T=40: 1577836800000 + 1099511627775 = 2677348427775 ms = 2054-11-03 19:53:47.775
--     T=1:  epoch + 1 ms = 2020-01-01 00:00:00.001
--     T=63: past the end of PostgreSQL's calendar (294276 AD): infinity
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- The five presets, in their documented order.
SELECT * FROM flakeid_layouts();

-- Every preset takes all 63 bits below the sign bit.
SELECT name, timestamp_bits + datacenter_bits + machine_bits + sequence_bits AS bits
FROM flakeid_layouts();

-- flakeid_capacity() of the current layout, rounded for stable output, with its end
-- checked against an independent computation of epoch + 2^T - 1 ms (whole days and the
-- remaining milliseconds added separately: an interval of 2^53 ms in microseconds would
-- overflow). NULL when the range outlasts PostgreSQL's calendar and ends_at is infinity.
CREATE FUNCTION pg_temp.capacity()
RETURNS TABLE (layout text, years numeric, nodes bigint, ids_per_sec bigint,
               ids_per_ms bigint, bits text, epoch timestamptz, ends_at timestamptz,
               ends_at_checks boolean)
LANGUAGE sql AS $$
  SELECT c.layout, round(c.years::numeric, 1), c.nodes, c.ids_per_sec, c.ids_per_ms,
         concat_ws(',', c.timestamp_bits, c.datacenter_bits, c.machine_bits, c.sequence_bits),
         c.epoch, c.ends_at,
         CASE WHEN c.ends_at <> 'infinity' THEN
           c.ends_at = c.epoch
             + div(2::numeric ^ c.timestamp_bits - 1, 86400000)::bigint * interval '1 day'
             + mod(2::numeric ^ c.timestamp_bits - 1, 86400000)::bigint * interval '1 ms'
         END
  FROM flakeid_capacity() AS c
$$;

-- The default layout, minimal: 2^53 ms, one node, 1024 IDs per ms.
SELECT * FROM pg_temp.capacity();

-- Every preset. twitter ends at 2089-09-06 15:47:35.551 (see above); the other 41-bit
-- presets end at the same moment and trade node bits for sequence bits.
SET flakeid.layout = 'twitter';
SELECT * FROM pg_temp.capacity();
SET flakeid.layout = 'minimal';
SELECT * FROM pg_temp.capacity();
SET flakeid.layout = 'single_dc';
SELECT * FROM pg_temp.capacity();
SET flakeid.layout = 'large_cluster';
SELECT * FROM pg_temp.capacity();
SET flakeid.layout = 'high_throughput';
SELECT * FROM pg_temp.capacity();

-- The widths of a preset, written out, are that preset.
SET flakeid.layout = '41,5,5,12';
SELECT layout, bits FROM pg_temp.capacity();

-- Custom layouts are named "custom".
-- 40 timestamp bits: half the twitter span, 34.8 years, ending 2054-11-03 19:53:47.775;
-- 5+5 node bits; 2^13 = 8192 IDs per ms.
SET flakeid.layout = '40,5,5,13';
SELECT * FROM pg_temp.capacity();
-- 42,4,5,12: 139.4 years (2 * 69.68), 2^9 = 512 nodes; ends at epoch + 2^42 - 1 ms
-- = 1577836800000 + 4398046511103 = 5975883311103 ms = 2159-05-15 07:35:11.103.
SET flakeid.layout = '42, 4, 5, 12';
SELECT * FROM pg_temp.capacity();
-- The extremes. 63 timestamp bits: 1 ID per ms, and a range that outlasts PostgreSQL's
-- calendar, so ends_at is infinity.
SET flakeid.layout = '63,0,0,0';
SELECT * FROM pg_temp.capacity();
-- One timestamp bit: 2 ms in all (years rounds to 0.0), 2^62 nodes.
SET flakeid.layout = '1,31,31,0';
SELECT * FROM pg_temp.capacity();
-- One timestamp bit and 31 sequence bits: 2^31 = 2147483648 IDs per ms.
SET flakeid.layout = '1,0,31,31';
SELECT * FROM pg_temp.capacity();

-- The epoch moves the end with it. With the Unix epoch, twitter ends 2^41 - 1 ms after
-- 1970-01-01: 2199023255551 ms = 25451 days + 56855.551 s = 2039-09-07 15:47:35.551.
SET flakeid.layout = 'twitter';
SET flakeid.epoch = 0;
SELECT * FROM pg_temp.capacity();
-- The latest epoch allowed, 9999-12-31 23:59:59.999: minimal would end past 294276 AD.
SET flakeid.layout = 'minimal';
SET flakeid.epoch = '9999-12-31 23:59:59.999Z';
SELECT * FROM pg_temp.capacity();

RESET flakeid.layout;
RESET flakeid.epoch;
SELECT layout, epoch FROM pg_temp.capacity();
