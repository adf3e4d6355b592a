// Waiting for the wall clock.
#include "pg/functions/wait.hpp"

#include "core/clock.hpp"

namespace flakeid::pg {

// It sleeps on the latch while more than a millisecond is left, then in a short nap. With
// spin_at_end the nap ends early and the last few microseconds spin on the clock, so a
// single ID neither burns its core nor oversleeps the next millisecond; without, it sleeps
// to the end (a bulk call, which must not hold a core nor win every millisecond from the
// callers waiting beside it).
void wait_until(std::int64_t until_ms, bool spin_at_end) {
  constexpr std::int64_t kSpinUs = 60;  // about the timer slack of a short sleep
  const std::int64_t until_us = until_ms * 1000;
  while (true) {
    CHECK_FOR_INTERRUPTS();
    const std::int64_t left_us = until_us - wall_clock_us();
    if (left_us <= 0) return;
    if (left_us > 2000) {
      (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, left_us / 1000 - 1,
                      PG_WAIT_EXTENSION);
      ResetLatch(MyLatch);
    } else if (!spin_at_end) {
      pg_usleep(left_us);
    } else if (left_us > kSpinUs) {
      pg_usleep(left_us - kSpinUs);
    } else {
      pg_spin_delay();
    }
  }
}

}  // namespace flakeid::pg
