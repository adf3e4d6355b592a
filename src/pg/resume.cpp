// Resuming above the durable marks. Three marks, each covering one event:
//
// - the node floor (node_floor.cpp), found once per start of the server: every ID any
//   database of the node made before a restart, a crash or a promotion lies below it;
// - this database's mark (its flakeid_high_water sequence, in the WAL): every ID of this
//   database lies below it, wherever it was made: on the old primary, on the source of a
//   pg_restore, before the start;
// - the slot's own state: every ID made since the start, by any database, in that state.
//
// A backend checks the first two each time it starts using a state (each time its
// settings resolve to one it has not used yet) and moves the state above them; so every
// (database, state) pair is checked before its first ID, and again in each new session.
// Of this database's mark only the part that came from outside this server counts
// (mark_book.cpp): the reservation this server keeps a second ahead of its own IDs is
// already covered by the states, and waiting for it would slow every new session.
// Renewing the reservation (about once a second per backend) reads the database's mark
// again, which is how a session that was making IDs when a restore raised the mark
// notices it. A renewal moves the server's mark first and the database's after, so no
// value this server writes into a database's mark is ever above the server's.
#include "pg/resume.hpp"

#include <algorithm>

extern "C" {
#include "access/xact.h"
}

#include "core/clock.hpp"
#include "pg/guard.hpp"
#include "pg/high_water.hpp"
#include "pg/mark_book.hpp"
#include "pg/node_floor.hpp"
#include "pg/wait.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(MarkOrigin);
FLAKEID_NO_DESTRUCTOR(Renewal);
FLAKEID_NO_DESTRUCTOR(Generator);

namespace {

// Moves the slot's state to the first ID of `floor_ms` at least. When the floor is only a
// little ahead of the clock (a quick restart: the marks run about a second ahead) waits
// for it, so IDs come at once; further ahead, the generator refuses (FL001) until the
// clock has passed it, or, under the logical policy, counts on above it.
void raise_state(const Generator& generator, StateSlot* slot, std::int64_t floor_ms,
                 std::int64_t tolerance_ms) {
  Generator::advance(slot->state, generator.value_at_ms(floor_ms));
  const std::int64_t ahead = floor_ms - wall_clock_ms();
  if (ahead > 0 && ahead <= kReservationAheadMs + tolerance_ms) wait_until(floor_ms);
}

}  // namespace

std::int64_t resume_state(const Generator& generator, StateSlot* slot, std::int64_t tolerance_ms) {
  const std::int64_t node_floor = node_floor_ms();
  const Oid sequence = database_mark_lock(AccessShareLock, false);
  const std::int64_t database_mark = database_mark_value(sequence);
  database_mark_unlock(sequence, AccessShareLock);
  const std::int64_t server_mark = server_reserved_ms();
  const MarkOrigin origin = mark_book_look(MyDatabaseId, database_mark, server_mark);
  raise_state(generator, slot, std::max(node_floor, origin.outside_ms), tolerance_ms);
  return std::min(database_mark, server_mark);
}

Renewal renew_reservation(const Generator& generator, StateSlot* slot, std::int64_t issued_ms,
                          std::int64_t tolerance_ms) {
  // Backends of this database may race to move its mark: serialise them, so it only ever
  // moves forward. The lock is dropped at once, not held to commit.
  const Oid sequence = database_mark_lock(ShareUpdateExclusiveLock, false);
  const std::int64_t database_mark = database_mark_value(sequence);
  std::int64_t server_mark = server_reserved_ms();
  const MarkOrigin origin = mark_book_look(MyDatabaseId, database_mark, server_mark);
  Renewal renewal;
  if (origin.outside_ms > issued_ms) {
    database_mark_unlock(sequence, ShareUpdateExclusiveLock);
    raise_state(generator, slot, origin.outside_ms, tolerance_ms);
    renewal.retry = true;
    return renewal;
  }
  std::int64_t database_reserved = database_mark;
  if (issued_ms >= database_mark) {
    database_reserved = issued_ms + kReservationAheadMs;
    server_mark = server_mark_cover(database_reserved);
    note_server_reserved(server_mark);
    mark_book_note(MyDatabaseId, database_reserved, origin.outside_ms);
    database_mark_set(sequence, database_reserved);
  }
  // The commit of a transaction with an id flushes the WAL, and with it the mark, whether
  // this backend or another wrote it.
  (void)GetTopTransactionId();
  database_mark_unlock(sequence, ShareUpdateExclusiveLock);
  renewal.reserved_until_ms = std::min(database_reserved, server_mark);
  return renewal;
}

}  // namespace flakeid::pg
