// The durable high-water marks: reservations of time ahead of the IDs handed out, one per
// database in a sequence owned by the extension (PostgreSQL makes it durable in the WAL
// and replicates it) and one per server in a file of the data directory. After a restart,
// a crash or a promotion, IDs resume above them even when the clock is now behind the
// last ID handed out.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// How far ahead of the IDs in use the reservation runs.
constexpr std::int64_t kReservationAheadMs = 1000;

// This database's high-water mark in Unix ms: no ID of this database has a timestamp at
// or above it. Read from the sequence; 0 when nothing was reserved yet.
std::int64_t high_water_read();

// Makes sure the reservations cover `issued_ms`: this database's sequence (one WAL record)
// and the server's mark file in the data directory (one fsync), each moved to
// issued_ms + kReservationAheadMs when it does not. Returns the earlier of the two.
std::int64_t high_water_cover(std::int64_t issued_ms);

// The server's mark in Unix ms, kept in the data directory: no ID of any database of the
// server has a timestamp at or above it. 0 when none was reserved yet.
std::int64_t server_mark_read();

// Just after the last commit replayed by recovery (on a standby, from its primary), in Unix
// ms (0 when none was): after a promotion, every ID the old primary committed lies below it.
std::int64_t last_replayed_commit_ms();

}  // namespace flakeid::pg
