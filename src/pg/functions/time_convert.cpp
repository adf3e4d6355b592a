// Conversions between Unix milliseconds and PostgreSQL's timestamptz.
#include "pg/functions/time_convert.hpp"

namespace flakeid::pg {

namespace {
// Milliseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
constexpr std::int64_t kPostgresEpochUnixMs =
    static_cast<std::int64_t>(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000;
}  // namespace

bool unix_ms_to_timestamptz(std::int64_t unix_ms, TimestampTz* out) {
  // Bounds in ms keep the multiplication below from overflowing.
  const std::int64_t min_ms = MIN_TIMESTAMP / 1000 + kPostgresEpochUnixMs;
  const std::int64_t max_ms = (END_TIMESTAMP - 1) / 1000 + kPostgresEpochUnixMs;
  if (unix_ms < min_ms || unix_ms > max_ms) return false;
  *out = (unix_ms - kPostgresEpochUnixMs) * 1000;
  return IS_VALID_TIMESTAMP(*out);
}

std::int64_t timestamptz_to_unix_ms(TimestampTz ts) {
  std::int64_t ms = ts / 1000;
  if (ts % 1000 < 0) --ms;  // round towards minus infinity, not zero
  return ms + kPostgresEpochUnixMs;
}

const char* unix_ms_text(std::int64_t unix_ms) {
  TimestampTz ts;
  if (!unix_ms_to_timestamptz(unix_ms, &ts)) return "(beyond PostgreSQL's calendar)";
  return timestamptz_to_str(ts);
}

}  // namespace flakeid::pg
