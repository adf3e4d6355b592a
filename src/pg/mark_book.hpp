// Whether a value read from a database's high-water mark came from outside this server. It
// is either a reservation this server made ahead of its own IDs, which its generator
// states already cover, or it came from outside since the server started: from pg_restore
// or setval(). Only values from outside must become floors: waiting for the server's own
// reservations would slow every new session, and moving a state up to one would make the
// other sessions of that state refuse (FL001) for a second.
//
// Two facts tell them apart. Every database mark this server writes is at or below the
// server's mark (written first, resume.cpp), so a value above it comes from outside. At or
// below it, a small book in shared memory of the values this server last wrote into each
// database's mark tells its own from a setval() or a restore.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Whether `value_ms`, just read from the database's mark, came from outside this server,
// given the server's mark as this server last wrote it.
bool mark_from_outside(Oid database, std::int64_t value_ms, std::int64_t server_mark_ms);

// Notes that this server writes `written_ms` into the database's mark. Call it before the
// write: a reader that sees the new value then finds it here, and one that still sees the
// old value finds that too.
void mark_book_note(Oid database, std::int64_t written_ms);

}  // namespace flakeid::pg
