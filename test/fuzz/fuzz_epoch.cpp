// libFuzzer target: arbitrary bytes as epoch text for flakeid::parse_epoch.
//
// Invariants, each a __builtin_trap() when broken:
//   - an epoch that parses OK lies in [0, kMaxEpochMs];
//   - text that is a decimal integer (after trimming) parses OK exactly when its value is
//     at most kMaxEpochMs, to that value, and the value printed back in decimal parses to
//     the same value;
//   - any epoch that parses OK, printed back as "YYYY-MM-DDTHH:MM:SS.mmmZ", parses to the
//     same value.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string_view>

#include "core/epoch.hpp"
#include "core/text.hpp"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Whether the decimal digits `digits` denote a value of at most kMaxEpochMs, and that
// value; independent of flakeid's own integer parsing.
bool decimal_value(std::string_view digits, std::int64_t* out) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  std::int64_t value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
    if (value > flakeid::kMaxEpochMs) return false;
  }
  *out = value;
  return true;
}

void check_parses_to(std::string_view text, std::int64_t expected) {
  const flakeid::Result<std::int64_t> parsed = flakeid::parse_epoch(text);
  check(parsed.ok() && parsed.value == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const flakeid::Result<std::int64_t> parsed = flakeid::parse_epoch(text);

  const std::string_view trimmed = flakeid::text::trim(text);
  if (is_digits(trimmed)) {
    std::int64_t value = 0;
    if (decimal_value(trimmed, &value)) {
      check(parsed.ok() && parsed.value == value);
    } else {
      check(!parsed.ok() && parsed.error == flakeid::Error::kEpochRange);
    }
  }

  if (!parsed.ok()) return 0;
  const std::int64_t ms = parsed.value;
  check(ms >= 0 && ms <= flakeid::kMaxEpochMs);

  // Back as a decimal integer.
  char buffer[64];
  int length = std::snprintf(buffer, sizeof buffer, "%" PRId64, ms);
  check(length > 0 && static_cast<std::size_t>(length) < sizeof buffer);
  check_parses_to(std::string_view(buffer, static_cast<std::size_t>(length)), ms);

  // Back as ISO-8601 in UTC, with milliseconds.
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  check(gmtime_r(&seconds, &tm) != nullptr);
  length = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                         tm.tm_sec, static_cast<int>(ms % 1000));
  check(length > 0 && static_cast<std::size_t>(length) < sizeof buffer);
  check_parses_to(std::string_view(buffer, static_cast<std::size_t>(length)), ms);
  return 0;
}
