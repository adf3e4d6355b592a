// What this server itself wrote into each database's high-water mark since it started,
// kept in shared memory. A value read from a mark is either one of these (a reservation
// this server made ahead of its own IDs, which its generator states already cover) or it
// came from outside this server: from before the start, from the old primary, from
// pg_restore or from setval(). Only values from outside must become floors of the states,
// so a new session never waits for a reservation its own database made a moment ago.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Where a database mark's value came from.
struct MarkOrigin {
  // The highest value the database's mark is known to have held from outside this server
  // since it started: no ID made elsewhere for this database is at or above it.
  std::int64_t outside_ms = 0;
};

// Where `value_ms`, just read from the database's mark, came from.
MarkOrigin mark_book_look(Oid database, std::int64_t value_ms);

// Notes that this server writes `written_ms` into the database's mark, which has held
// `outside_ms` from outside. Call it before the write: a reader that sees the new value
// then finds it here.
void mark_book_note(Oid database, std::int64_t written_ms, std::int64_t outside_ms);

}  // namespace flakeid::pg
