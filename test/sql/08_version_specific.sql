-- 08_version_specific: what PostgreSQL itself reports differently from one major version
-- to another, gathered here so the other files have one expected output. pg_regress
-- compares this file with expected/08_version_specific.out (PostgreSQL 15),
-- expected/08_version_specific_1.out (18) and expected/08_version_specific_2.out (17),
-- and passes when one matches:
-- * the range error of an integer setting with a unit prints the unit from 17 ("0 ms ..
--   3600000 ms"), not on 15 ("0 .. 3600000");
-- * the shared state table comes from the main segment up to 16, where
--   pg_shmem_allocations lists it, and from a segment of the DSM registry from 17, which
--   that view does not list (18 has no view of the registry either);
-- * 18 lists loaded libraries with their names and versions (pg_get_loaded_modules()).

-- The first call of this session loads the library (not preloaded here) and, on this
-- server, makes the state table: 11008 bytes (see 11_reliability).
SELECT flakeid_next() > 0 AS made_one;
SELECT DISTINCT shared_memory_bytes FROM flakeid_status();
-- Which path the table took: the main segment (15) or the DSM registry (18).
SELECT count(*) AS in_main_segment, max(size) AS size
FROM pg_shmem_allocations WHERE name = 'flakeid state table';

-- Out-of-range values of the settings with units are refused when set, and the settings
-- keep their values. flakeid.max_clock_lead_ms is the server's: ALTER SYSTEM checks it.
SET flakeid.clock_tolerance_ms = -1;
SET flakeid.clock_tolerance_ms = '2h';
SET flakeid.clock_tolerance_ms = 3600001;
ALTER SYSTEM SET flakeid.max_clock_lead_ms = -1;
ALTER SYSTEM SET flakeid.max_clock_lead_ms = '8 d';
SHOW flakeid.clock_tolerance_ms;
SHOW flakeid.max_clock_lead_ms;

-- From 18 the server names the libraries it loaded: flakeid, with the version of the
-- extension it was built for (PG_MODULE_MAGIC_EXT). 15 has no such function.
SELECT current_setting('server_version_num')::int >= 180000 AS names_modules \gset
\if :names_modules
SELECT module_name,
       version = (SELECT default_version FROM pg_available_extensions WHERE name = 'flakeid')
         AS version_is_default
FROM pg_get_loaded_modules() WHERE file_name LIKE 'flakeid%';
\endif
