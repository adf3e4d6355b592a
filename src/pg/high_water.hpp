// The durable high-water mark: a reservation of time ahead of the IDs handed out, kept in
// a sequence owned by the extension so that PostgreSQL makes it durable (WAL) and
// replicates it. After a restart, a crash or a promotion, IDs resume above it even when
// the clock is now behind the last ID handed out.
#pragma once

#include "postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// How far ahead of the IDs in use the reservation runs.
constexpr std::int64_t kReservationAheadMs = 1000;

// This database's high-water mark in Unix ms: no ID of this database has a timestamp at
// or above it. Read from the sequence; 0 when nothing was reserved yet.
std::int64_t high_water_read();

// Makes sure the reservation covers `issued_ms`, advancing the sequence (one WAL record)
// to issued_ms + kReservationAheadMs when it does not. Returns the reservation in force.
std::int64_t high_water_cover(std::int64_t issued_ms);

}  // namespace flakeid::pg
