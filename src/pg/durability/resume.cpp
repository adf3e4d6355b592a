// Resuming above the durable marks. Three floors, each covering one event:
//
// - the node floor (node_floor.cpp), found once per start of the server: every ID any
//   database of the node made before a restart, a crash or a promotion lies below it;
// - the outside floor: every ID that a database's mark says was made outside this server
//   (a pg_restore, a setval(), before the start) lies below it;
// - the state itself: every ID made since the start, by any database, in that state.
//
// A backend makes sure of the first two each time it starts using a state (each time its
// settings resolve to one it has not used yet), so every (database, state) pair is checked
// before its first ID, and again in each new session; and it reads its database's mark
// then, and at each renewal of the reservation (about once a second per backend). A mark
// raised from outside (mark_book.cpp tells) raises the server's mark file, the outside
// floor and every state of the server at once: the restored IDs share the node's key
// space with every database, and the file carries them into the node floor of every later
// start of the server.
#include "pg/durability/resume.hpp"

#include <algorithm>

extern "C" {
#include "access/xact.h"
}

#include "core/clock.hpp"
#include "pg/functions/sql_function.hpp"
#include "pg/durability/marks.hpp"
#include "pg/durability/mark_book.hpp"
#include "pg/durability/node_floor.hpp"
#include "pg/shmem/shared_state.hpp"
#include "pg/functions/wait.hpp"

namespace flakeid::pg {

FLAKEID_NO_DESTRUCTOR(Result<Generator>);
FLAKEID_NO_DESTRUCTOR(Renewal);
FLAKEID_NO_DESTRUCTOR(Generator);

namespace {

// The sequence the reservation in force was read from or written to.
Oid reserved_sequence = InvalidOid;

// Moves the slot's state to the first ID of `floor_ms` at least. When the floor is only a
// little ahead of the clock (a quick restart: the marks run about a second ahead) waits
// for it (a clock wait in flakeid_status()), so IDs come at once; further ahead, the generator
// refuses (FL001) until the clock has passed it, or, under the logical policy, counts on above it.
void raise_state(const Generator& generator, StateSlot* slot, std::int64_t floor_ms,
                 std::int64_t tolerance_ms) {
  Generator::advance(slot->state, generator.value_at_ms(floor_ms));
  const std::int64_t ahead = floor_ms - wall_clock_ms();
  if (ahead > 0 && ahead <= kReservationAheadMs + tolerance_ms) {
    // The clock is behind IDs already issued: a clock wait, counted as the generator's are.
    slot->counters.clock_waits.fetch_add(1, std::memory_order_relaxed);
    wait_until(floor_ms);
  }
}

// Honours a database mark raised from outside this server: raises the outside floor and,
// when it rose, every state in use, so sessions of every layout and database already
// making IDs stay above it too; and makes the server's mark cover it before any state
// moves, so that the next start of the server, whose node floor is the mark file, knows it
// as well: a restart or a crash does not forget it, whichever database makes IDs first.
void honour_outside_mark(std::int64_t mark_ms) {
  if (mark_ms <= outside_floor_ms()) return;
  if (mark_ms > server_reserved_ms()) note_server_reserved(server_mark_cover(mark_ms));
  if (!raise_outside_floor(mark_ms)) return;
  StateTable* table = shared_state_table();
  const std::uint32_t used = table->used.load(std::memory_order_acquire);
  for (std::uint32_t i = 0; i < used; ++i) {
    StateSlot& slot = table->slots[i];
    // Node ids 0 fit every layout, so this cannot fail; only the state's layout counts.
    const Result<Generator> reader = Generator::create(slot.layout, slot.epoch_ms, 0, 0, {});
    Generator::advance(slot.state, reader.value.value_at_ms(mark_ms));
  }
}

}  // namespace

Oid reservation_sequence() {
  return reserved_sequence;
}

std::int64_t resume_state(const Generator& generator, StateSlot* slot, std::int64_t tolerance_ms) {
  const std::int64_t node_floor = node_floor_ms();
  const Oid sequence = database_mark_lock(AccessShareLock, false);
  const std::int64_t database_mark = database_mark_value(sequence);
  database_mark_unlock(sequence, AccessShareLock);
  reserved_sequence = sequence;
  const std::int64_t server_mark = server_reserved_ms();
  if (mark_is_floor(MyDatabaseId, database_mark, server_mark, wall_clock_ms())) {
    honour_outside_mark(database_mark);
  }
  raise_state(generator, slot, std::max(node_floor, outside_floor_ms()), tolerance_ms);
  return std::min(database_mark, server_mark);
}

void resume_above(std::int64_t floor_ms) {
  (void)node_floor_ms();  // the server's mark as this start knows it, before it is raised
  const Oid sequence = database_mark_lock(ShareUpdateExclusiveLock, false);
  if (database_mark_value(sequence) < floor_ms) {
    note_server_reserved(server_mark_cover(floor_ms));
    database_mark_set(sequence, floor_ms);
  }
  database_mark_unlock(sequence, ShareUpdateExclusiveLock);
  honour_outside_mark(floor_ms);
}

Renewal renew_reservation(const Generator& generator, StateSlot* slot, std::int64_t issued_ms,
                          std::int64_t tolerance_ms) {
  // Backends of this database may race to move its mark: serialise them, so it only ever
  // moves forward. The lock is dropped at once, not held to commit.
  const Oid sequence = database_mark_lock(ShareUpdateExclusiveLock, false);
  const std::int64_t database_mark = database_mark_value(sequence);
  std::int64_t server_mark = server_reserved_ms();
  if (mark_is_floor(MyDatabaseId, database_mark, server_mark, wall_clock_ms())) {
    honour_outside_mark(database_mark);
  }
  Renewal renewal;
  const std::int64_t outside_floor = outside_floor_ms();
  if (outside_floor > issued_ms) {
    database_mark_unlock(sequence, ShareUpdateExclusiveLock);
    raise_state(generator, slot, outside_floor, tolerance_ms);
    renewal.retry = true;
    return renewal;
  }
  std::int64_t database_reserved = database_mark;
  if (issued_ms >= database_mark) {
    database_reserved = issued_ms + kReservationAheadMs;
    // The server's mark first: no value this server writes into a database's mark is ever
    // above it (mark_book.hpp).
    server_mark = server_mark_cover(database_reserved);
    note_server_reserved(server_mark);
    mark_book_note(MyDatabaseId, database_reserved);
    database_mark_set(sequence, database_reserved);
  }
  // The commit of a transaction with an id flushes the WAL, and with it the mark, whether
  // this backend or another wrote it.
  (void)GetTopTransactionId();
  database_mark_unlock(sequence, ShareUpdateExclusiveLock);
  reserved_sequence = sequence;
  renewal.reserved_until_ms = std::min(database_reserved, server_mark);
  return renewal;
}

}  // namespace flakeid::pg
