// Resuming above the durable marks: what makes a generator state that was just created
// (after a restart, a crash, a promotion) or that a backend starts to use start above
// every ID already made, and what honours a mark raised from outside (pg_restore,
// setval()) while IDs are being made.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

#include "core/generator.hpp"
#include "core/state_table.hpp"

namespace flakeid::pg {

// Makes sure the next ID from `slot` comes above every ID this database's mark and the
// node floor cover; called when a backend starts using the slot. Returns the reservation
// in force: the earlier of this database's mark and the server's.
std::int64_t resume_state(const Generator& generator, StateSlot* slot, std::int64_t tolerance_ms);

// The mark sequence this backend's reservation was last read from or written to
// (InvalidOid: none yet). When it is dropped (DROP EXTENSION, and CREATE EXTENSION starts
// a new one at 0), the reservation no longer holds: the next ID must renew it.
Oid reservation_sequence();

// The outcome of renewing the reservation.
struct Renewal {
  std::int64_t reserved_until_ms = 0;  // the new reservation, when not `retry`
  // The database's mark was raised from outside above the IDs just reserved: they must
  // not be handed out; the slot has been moved above the mark, reserve again.
  bool retry = false;
};

// Renews the reservation once an ID (of Unix ms `issued_ms`, from `slot`) has reached it:
// both marks are moved about a second ahead of it.
Renewal renew_reservation(const Generator& generator, StateSlot* slot, std::int64_t issued_ms,
                          std::int64_t tolerance_ms);

// Makes every later ID of the node, in every database and across restarts, crashes and
// promotions, come at or above `floor_ms` (Unix ms): for keys made outside flakeid that
// this database takes on as its own (flakeid_adopt()). The server's mark file and this
// database's mark are raised to it (the file first), then the outside floor and every
// state. The caller makes sure `floor_ms` is not ahead of the clock.
void resume_above(std::int64_t floor_ms);

}  // namespace flakeid::pg
