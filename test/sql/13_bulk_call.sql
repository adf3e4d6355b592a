-- 13_bulk_call: one flakeid_next_ids call makes all its IDs with the generator and the
-- shared state it started with. A setting changed during the statement (set_config in the
-- same select list runs after each row, the first one included) must not turn state values
-- reserved under one layout into IDs of another: those were never reserved under it, and
-- could be IDs other sessions get under that layout.
SET flakeid.layout = 'minimal';
CREATE TEMP TABLE batch AS
SELECT row_number() OVER () AS n, id
FROM (SELECT flakeid_next_ids(5000) AS id,
             set_config('flakeid.layout', 'twitter', false) AS layout) AS s;
SHOW flakeid.layout;

-- Every ID is a minimal ID of this moment (minimal: the timestamp is id >> 10, in ms after
-- 2020-01-01, 1577836800000 Unix ms), and they strictly increase.
SELECT count(*) AS ids,
       count(*) FILTER (WHERE abs((id >> 10) + 1577836800000
                                  - (extract(epoch FROM now()) * 1000)::bigint) < 60000)
         AS minimal_ids_of_now,
       count(*) FILTER (WHERE id <= prev) AS not_increasing
FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM batch) AS b;

-- The statements after it make twitter IDs (the timestamp is id >> 22), none of them one
-- of the batch's.
SELECT count(*) AS ids,
       count(*) FILTER (WHERE abs((id >> 22) + 1577836800000
                                  - (extract(epoch FROM now()) * 1000)::bigint) < 60000)
         AS twitter_ids_of_now,
       count(*) FILTER (WHERE id IN (SELECT id FROM batch)) AS repeated
FROM flakeid_next_ids(5000) AS id;

-- A cursor over a call keeps the call's generator across its FETCHes, whatever the session
-- sets between them: here the layout after 1000 rows, the epoch after 2000.
SET flakeid.layout = 'minimal';
CREATE TEMP TABLE fetched (n integer, id bigint);
DO $$
DECLARE
  c refcursor;
  v bigint;
  i integer := 0;
BEGIN
  OPEN c FOR SELECT flakeid_next_ids(3000);
  LOOP
    FETCH c INTO v;
    EXIT WHEN NOT FOUND;
    i := i + 1;
    INSERT INTO fetched VALUES (i, v);
    IF i = 1000 THEN PERFORM set_config('flakeid.layout', 'twitter', false); END IF;
    IF i = 2000 THEN PERFORM set_config('flakeid.epoch', '2024-01-01 00:00:00+00', false); END IF;
  END LOOP;
  CLOSE c;
END
$$;
SHOW flakeid.layout;
SELECT count(*) AS ids,
       count(*) FILTER (WHERE abs((id >> 10) + 1577836800000
                                  - (extract(epoch FROM now()) * 1000)::bigint) < 60000)
         AS minimal_ids_of_now,
       count(*) FILTER (WHERE id <= prev) AS not_increasing
FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM fetched) AS f;
RESET flakeid.layout;
RESET flakeid.epoch;
DROP TABLE fetched;

-- A call for no IDs returns no rows.
SELECT count(*) AS none FROM flakeid_next_ids(0);
RESET flakeid.layout;
DROP TABLE batch;
