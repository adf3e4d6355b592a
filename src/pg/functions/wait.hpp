// Waiting for the wall clock, off the hot path: for the next millisecond, for a clock that
// stepped back a little, or for a durable mark the clock has not yet passed.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Waits until the wall clock reads `until_ms`, holding no lock, interruptibly (a cancel
// or statement_timeout ends it with an error). With `spin_at_end`, the last microseconds
// spin on the clock instead of sleeping, so the caller is not late for the millisecond.
void wait_until(std::int64_t until_ms, bool spin_at_end = false);

}  // namespace flakeid::pg
