// The module's entry point: _PG_init reads as the table of contents of the glue, whose
// folders (src/pg/README.md has the map) are:
//   functions/          the SQL-callable functions and the wrapper each goes through
//   settings/           the flakeid.* settings, their check hooks and rejected values
//   durability/         resuming above every ID already made: marks, floors, the mark file
//   shmem/              flakeid's shared memory
//   errors/             the registry of SQLSTATEs and the reports of the core's errors
//   replication_guard/  the trigger that refuses rows of a node another origin brought
//   adopt/              what flakeid_adopt() needs from C
#include "pg/postgres.hpp"

#include "pg/settings/settings.hpp"
#include "pg/shmem/shared_state.hpp"

extern "C" {
#ifdef PG_MODULE_MAGIC_EXT
// 18 and later: pg_get_loaded_modules() names the library and its version.
PG_MODULE_MAGIC_EXT(.name = "flakeid", .version = FLAKEID_VERSION);
#else
PG_MODULE_MAGIC;
#endif

void _PG_init(void);

// Loads flakeid: its settings, and its shared memory when preloaded. (PostgreSQL 16 and
// later declare _PG_init without noexcept, so the two functions it calls carry it.)
void _PG_init(void) {
  flakeid::pg::settings_init();
  if (process_shared_preload_libraries_in_progress) flakeid::pg::shared_state_request();
}
}
