-- 21_node_span_infinity: an infinite interval has no width in IDs. PostgreSQL 17 and later
-- have 'infinity'::interval and flakeid_span() refuses it (FL014, expected/
-- 21_node_span_infinity.out); 15 and 16 do not accept the literal at all (22007,
-- expected/21_node_span_infinity_1.out).
SET flakeid.layout = 'twitter';
\i test/sql/include/try.sql
SELECT * FROM pg_temp.try($$SELECT flakeid_span('infinity')$$);
SELECT * FROM pg_temp.try($$SELECT flakeid_span('-infinity', 'minimal')$$);
