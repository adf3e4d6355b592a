// Where a value read from a database's high-water mark came from. It is either a
// reservation this server made ahead of its own IDs, which its generator states already
// cover, or it came from outside this server since it started: from pg_restore, from
// setval(), or, before the start, from anywhere. Only values from outside must become
// floors of the states: waiting for the server's own reservations would slow every new
// session, and moving a state up to one would make the other sessions of that state
// refuse (FL001) for a second.
//
// Two facts tell them apart. Every database mark this server writes is at or below the
// server's mark (written first, resume.cpp), so a value above it comes from outside. At
// or below it, a small book in shared memory of the values this server wrote into each
// database's mark tells its own from a setval() or a restore.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Where a database mark's value came from.
struct MarkOrigin {
  // The highest value the database's mark is known to have held from outside this server
  // since it started (0: none): no ID made elsewhere for this database is at or above it.
  std::int64_t outside_ms = 0;
};

// Where `value_ms`, just read from the database's mark, came from, given the server's
// mark as this server last wrote it.
MarkOrigin mark_book_look(Oid database, std::int64_t value_ms, std::int64_t server_mark_ms);

// Notes that this server writes `written_ms` into the database's mark, which has held
// `outside_ms` from outside. Call it before the write: a reader that sees the new value
// then finds it here, and one that still sees the old value finds that too.
void mark_book_note(Oid database, std::int64_t written_ms, std::int64_t outside_ms);

}  // namespace flakeid::pg
