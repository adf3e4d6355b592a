// Parsing of epoch text.
#include "core/epoch.hpp"

#include "core/text.hpp"

namespace flakeid {

namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

// A cursor over the text being parsed.
struct Reader {
  std::string_view rest;

  bool done() const { return rest.empty(); }
  char peek() const { return rest.empty() ? '\0' : rest.front(); }

  // Takes exactly `width` digits as a number.
  bool digits(int width, int* out) {
    if (rest.size() < static_cast<std::size_t>(width)) return false;
    int value = 0;
    for (int i = 0; i < width; ++i) {
      const char c = rest[static_cast<std::size_t>(i)];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    rest.remove_prefix(static_cast<std::size_t>(width));
    *out = value;
    return true;
  }

  // Takes the character `c` if it comes next.
  bool take(char c) {
    if (peek() != c) return false;
    rest.remove_prefix(1);
    return true;
  }
};

// Whether `year` is a leap year in the proleptic Gregorian calendar.
bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Days in the month of the given year.
int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Reads a zone designator: Z, or +HH, +HHMM, +HH:MM (or with '-'), as an offset in ms.
Error read_zone(Reader* r, std::int64_t* offset_ms) {
  if (r->take('Z') || r->take('z')) {
    *offset_ms = 0;
    return Error::kOk;
  }
  const char sign = r->peek();
  if (sign != '+' && sign != '-') return r->done() ? Error::kEpochNoZone : Error::kEpochSyntax;
  r->rest.remove_prefix(1);
  int hours = 0, minutes = 0;
  if (!r->digits(2, &hours)) return Error::kEpochSyntax;
  if (!r->done()) {
    r->take(':');
    if (!r->digits(2, &minutes)) return Error::kEpochSyntax;
  }
  if (hours > 15 || minutes > 59) return Error::kEpochSyntax;
  const std::int64_t offset = hours * kMsPerHour + minutes * kMsPerMinute;
  *offset_ms = sign == '-' ? -offset : offset;
  return Error::kOk;
}

// Parses the ISO-8601 form: YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]<zone>.
Result<std::int64_t> parse_iso(std::string_view text) {
  Reader r{text};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!r.digits(4, &year) || !r.take('-') || !r.digits(2, &month) || !r.take('-') ||
      !r.digits(2, &day)) {
    return {0, Error::kEpochSyntax};
  }
  if (r.done()) return {0, Error::kEpochNoZone};
  if (!r.take('T') && !r.take('t') && !r.take(' ')) return {0, Error::kEpochSyntax};
  if (!r.digits(2, &hour) || !r.take(':') || !r.digits(2, &minute)) {
    return {0, Error::kEpochSyntax};
  }
  if (r.take(':')) {
    if (!r.digits(2, &second)) return {0, Error::kEpochSyntax};
    if (r.take('.')) {
      // Up to millisecond precision; finer digits must be zero, not silently dropped.
      int scale = 100, count = 0;
      while (r.peek() >= '0' && r.peek() <= '9') {
        const int digit = r.peek() - '0';
        if (count < 3) {
          millis += digit * scale;
          scale /= 10;
        } else if (digit != 0) {
          return {0, Error::kEpochSyntax};
        }
        r.rest.remove_prefix(1);
        ++count;
      }
      if (count == 0) return {0, Error::kEpochSyntax};
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return {0, Error::kEpochSyntax};
  }
  std::int64_t offset_ms = 0;
  const Error zone = read_zone(&r, &offset_ms);
  if (zone != Error::kOk) return {0, zone};
  if (!r.done()) return {0, Error::kEpochSyntax};

  const std::int64_t ms = days_from_civil(year, month, day) * kMsPerDay + hour * kMsPerHour +
                          minute * kMsPerMinute + second * kMsPerSecond + millis - offset_ms;
  if (ms < 0 || ms > kMaxEpochMs) return {0, Error::kEpochRange};
  return {ms, Error::kOk};
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  // H. Hinnant's algorithm: years counted from March, in 400-year eras.
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const std::int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

Result<std::int64_t> parse_epoch(std::string_view text) noexcept {
  text = text::trim(text);
  if (text.empty()) return {0, Error::kEpochSyntax};
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    std::uint64_t ms = 0;
    if (!text::parse_uint(text, static_cast<std::uint64_t>(kMaxEpochMs), &ms)) {
      return {0, Error::kEpochRange};
    }
    return {static_cast<std::int64_t>(ms), Error::kOk};
  }
  if (text.front() == '-' && text.size() > 1 &&
      text.find_first_not_of("0123456789", 1) == std::string_view::npos) {
    return {0, Error::kEpochRange};
  }
  return parse_iso(text);
}

}  // namespace flakeid
