// Conversions between Unix milliseconds and PostgreSQL's timestamptz.
#pragma once

#include "pg/postgres.hpp"

#include <cstdint>

namespace flakeid::pg {

// Unix ms as a timestamptz; false when PostgreSQL's calendar cannot hold it.
bool unix_ms_to_timestamptz(std::int64_t unix_ms, TimestampTz* out);

// A timestamptz as Unix ms, rounded down to the millisecond.
std::int64_t timestamptz_to_unix_ms(TimestampTz ts);

// Unix ms as text for messages (e.g. "2020-01-01 00:00:00+00"), in a static buffer.
const char* unix_ms_text(std::int64_t unix_ms);

}  // namespace flakeid::pg
