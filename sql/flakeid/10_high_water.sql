-- The database's high-water mark (1.0).

-- The durable high-water mark of this database, in Unix milliseconds: no ID made here has
-- a timestamp at or above it. flakeid moves it about a second ahead of the IDs in use
-- (one WAL record a second, none on the hot path) and, after a restart, a crash or a
-- promotion, resumes above it. Only the extension moves it.
CREATE SEQUENCE @extschema@.flakeid_high_water AS bigint MINVALUE 0 NO CYCLE;
SELECT pg_catalog.setval('@extschema@.flakeid_high_water', 0, true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.flakeid_high_water', '');
REVOKE ALL ON SEQUENCE @extschema@.flakeid_high_water FROM PUBLIC;
