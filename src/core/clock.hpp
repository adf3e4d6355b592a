// The wall clock the generator runs on in production.
#pragma once

#include <cstdint>
#include <ctime>

namespace flakeid {

// Milliseconds since the Unix epoch from CLOCK_REALTIME (which libfaketime can move).
inline std::int64_t wall_clock_ms() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Microseconds since the Unix epoch from CLOCK_REALTIME, for waits finer than a ms.
inline std::int64_t wall_clock_us() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace flakeid
