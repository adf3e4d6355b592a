-- 18_key_overlaps: flakeid_key_overlaps() lists the layouts and epochs in use on the server
-- whose IDs can be equal. Every preset of 41 timestamp bits is ts << 22 | node | sequence,
-- so at node 0|0 twitter and large_cluster make equal IDs in the same millisecond; the same
-- layout under an epoch 1 s later makes an ID equal to one made 1 s earlier; minimal (53
-- bits) meets the others only at times far apart. An epoch no other test uses keeps these
-- states apart from theirs.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
SET intervalstyle = 'postgres';
SET flakeid.epoch = '2021-03-04 00:00:00+00';
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS made;
SET flakeid.layout = 'large_cluster';
SELECT flakeid_next() > 0 AS made;
SET flakeid.layout = 'minimal';
SELECT flakeid_next() > 0 AS made;
SET flakeid.epoch = '2021-03-04 00:00:01+00';
SET flakeid.layout = 'twitter';
SELECT flakeid_next() > 0 AS made;
SELECT layout, epoch, other_layout,
       other_epoch, same_time, apart
FROM flakeid_key_overlaps()
WHERE epoch BETWEEN '2021-03-04 00:00:00+00' AND '2021-03-04 00:00:01+00'
  AND other_epoch BETWEEN '2021-03-04 00:00:00+00' AND '2021-03-04 00:00:01+00'
ORDER BY same_time DESC, apart NULLS LAST, layout, other_layout, epoch;
-- The function shows the pair the moment a session's settings make it: large_cluster under
-- the second epoch has made no ID yet.
SET flakeid.layout = 'large_cluster';
SELECT layout, other_layout, other_epoch
FROM flakeid_key_overlaps()
WHERE same_time AND other_epoch = '2021-03-04 00:00:01+00';
RESET flakeid.layout;
RESET flakeid.epoch;
