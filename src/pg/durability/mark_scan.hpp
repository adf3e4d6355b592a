// Reading the mark of every database of the server, for the node floor when the
// server's own mark file cannot vouch for it (node_floor.cpp). A backend can read only its
// own database's catalogs, so each other database's mark is read by a short-lived
// background worker connected to it.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// The highest mark of any database of the server, in Unix ms (0 where none has
// flakeid). Fails with FL008 when a mark cannot be read; never guesses.
std::int64_t scan_database_marks();

}  // namespace flakeid::pg

extern "C" {
// The background worker that reads the mark of the database it is started in and hands it
// to the backend that awaits it.
PGDLLEXPORT void flakeid_mark_reader_main(Datum database) noexcept;
}
