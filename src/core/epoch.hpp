// The epoch of a layout: parsing ISO-8601 text with a zone, or integer milliseconds
// since the Unix epoch.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/error.hpp"

namespace flakeid {

constexpr std::int64_t kDefaultEpochMs = 1577836800000;  // 2020-01-01T00:00:00Z
constexpr std::int64_t kMaxEpochMs = 253402300799999;    // 9999-12-31T23:59:59.999Z

// Parses "2020-01-01 00:00:00+00", "2020-01-01T00:00:00.000Z" and the like (the zone is
// required), or a plain integer of milliseconds since 1970-01-01 UTC, into Unix ms.
Result<std::int64_t> parse_epoch(std::string_view text) noexcept;

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before it).
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept;

}  // namespace flakeid
