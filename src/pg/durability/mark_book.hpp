// Whether a value read from a database's mark must become a floor of every
// generator state. A value from outside this server since it started (pg_restore,
// setval(), or before the start) must. A reservation this server made ahead of its own IDs
// must not: the states already cover it, waiting for it would slow every new session, and
// moving every state up to it would make the sessions of other states refuse (FL001) for
// a second. A value the clock has passed costs nothing as a floor, so it is one whoever
// wrote it.
//
// A small book in shared memory of the values this server last wrote into each database's
// mark tells them apart while they are ahead of the clock. When more databases renew
// within a second than the book has entries, a value that might be one the book could not
// hold is taken as this server's own if it lies at or below the server's mark, which is
// written before any database's (resume.cpp); only a setval() or a restore to such a value,
// in those seconds, could then go unnoticed.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Whether `value_ms`, just read from the database's mark, must be a floor of every state,
// given the server's mark as this server last wrote it and the clock.
bool mark_is_floor(Oid database, std::int64_t value_ms, std::int64_t server_mark_ms,
                   std::int64_t now_ms);

// Notes that this server writes `written_ms` into the database's mark. Call it before the
// write: a reader that sees the new value then finds it here, and one that still sees the
// old value finds that too.
void mark_book_note(Oid database, std::int64_t written_ms);

}  // namespace flakeid::pg
