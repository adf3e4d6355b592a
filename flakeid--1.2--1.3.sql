-- flakeid 1.2 -> 1.3: new features on the 1.2 core, each in its own section below.
-- Every object is created in the extension's schema; no statement depends on search_path.

\echo Use "ALTER EXTENSION flakeid UPDATE TO '1.3'" to load this file. \quit

-- ---- The replication guard: a node id seen from two origins is refused --------------

-- ---- Shards and time partitions: the node of an ID, the width of a time span ---------

-- ---- Moving an existing table to flakeid ---------------------------------------------
