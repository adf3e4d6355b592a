// Epoch text: ISO-8601 with a zone or integer milliseconds, and each way it can be wrong.
#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

#include "core/epoch.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

// 2020-01-01T00:00:00Z: 18262 days after 1970-01-01 (50 years, 12 of them leap:
// 50 * 365 + 12 = 18262), times 86 400 000 ms.
constexpr std::int64_t k2020 = 1577836800000;

// The milliseconds `text` parses to; the test fails when it does not parse.
std::int64_t epoch_ms(std::string_view text) {
  const Result<std::int64_t> result = parse_epoch(text);
  EXPECT_EQ(result.error, Error::kOk) << "epoch text: '" << text << "'";
  return result.value;
}

// The error code parse_epoch gives for `text`.
Error epoch_error(std::string_view text) {
  return parse_epoch(text).error;
}

// The default setting's text is the default epoch.
TEST(EpochTest, DefaultSettingText) {
  EXPECT_EQ(epoch_ms("2020-01-01 00:00:00+00"), k2020);
  EXPECT_EQ(kDefaultEpochMs, k2020);
}

// 'T' or 't' separators and a 'Z' or 'z' zone are accepted.
TEST(EpochTest, IsoWithZuluZone) {
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00Z"), k2020);
  EXPECT_EQ(epoch_ms("2020-01-01t00:00:00z"), k2020);
  EXPECT_EQ(epoch_ms("  2020-01-01T00:00:00Z\n"), k2020);
  EXPECT_EQ(epoch_ms("2020-01-01T00:00Z"), k2020);  // seconds are optional
}

// A zone offset is subtracted: the same instant written in other zones.
TEST(EpochTest, IsoWithOffsetZone) {
  EXPECT_EQ(epoch_ms("2020-01-01T01:00:00+01:00"), k2020);
  EXPECT_EQ(epoch_ms("2020-01-01T01:00:00+0100"), k2020);
  EXPECT_EQ(epoch_ms("2020-01-01T05:30:00+05:30"), k2020);
  EXPECT_EQ(epoch_ms("2019-12-31T19:00:00-05:00"), k2020);
}

// Up to three fraction digits are milliseconds; more digits must be zero.
TEST(EpochTest, FractionalSeconds) {
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00.123Z"), k2020 + 123);
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00.1Z"), k2020 + 100);
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00.12Z"), k2020 + 120);
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00.1230Z"), k2020 + 123);
  EXPECT_EQ(epoch_ms("2020-01-01T00:00:00.123000000Z"), k2020 + 123);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00.1234Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00.Z"), Error::kEpochSyntax);
}

// A plain integer is milliseconds since the Unix epoch, up to 9999-12-31T23:59:59.999Z.
TEST(EpochTest, IntegerMilliseconds) {
  EXPECT_EQ(epoch_ms("1577836800000"), k2020);
  EXPECT_EQ(epoch_ms("0"), 0);
  EXPECT_EQ(epoch_ms(" 42 "), 42);
  // 10000-01-01 is 253402300800 s after the Unix epoch; one ms before it is the maximum.
  EXPECT_EQ(epoch_ms("253402300799999"), 253402300799999);
  EXPECT_EQ(epoch_error("253402300800000"), Error::kEpochRange);
  EXPECT_EQ(epoch_error("99999999999999999999999"), Error::kEpochRange);
}

// A negative integer is before 1970: a range error, not a syntax error.
TEST(EpochTest, NegativeIntegerIsRangeError) {
  EXPECT_EQ(epoch_error("-5"), Error::kEpochRange);
  EXPECT_EQ(epoch_error("-1577836800000"), Error::kEpochRange);
}

// A date or time without a zone is ambiguous and refused as such.
TEST(EpochTest, MissingZoneIsNoZoneError) {
  EXPECT_EQ(epoch_error("2020-01-01 00:00:00"), Error::kEpochNoZone);
  EXPECT_EQ(epoch_error("2020-01-01T00:00"), Error::kEpochNoZone);
  EXPECT_EQ(epoch_error("2020-01-01"), Error::kEpochNoZone);
}

// Days that do not exist are syntax errors; leap days exist only in leap years.
TEST(EpochTest, CalendarValidation) {
  EXPECT_EQ(epoch_error("2020-02-30T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2023-02-29T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2100-02-29T00:00:00Z"), Error::kEpochSyntax);  // century, not /400
  EXPECT_EQ(epoch_error("2020-04-31T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-13-01T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-00-10T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-00T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T24:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:60:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:60Z"), Error::kEpochSyntax);
}

// Leap days of leap years parse to the right instant.
TEST(EpochTest, LeapDays) {
  // 2024-01-01 is 1461 days after 2020-01-01 (366 + 3 * 365); Feb 29 is 59 days later:
  // k2020 + 1520 * 86400000 = 1577836800000 + 131328000000.
  EXPECT_EQ(epoch_ms("2024-02-29T00:00:00Z"), 1709164800000);
  // 2000 is a leap year (divisible by 400): 10957 + 59 = 11016 days after 1970-01-01.
  EXPECT_EQ(epoch_ms("2000-02-29T00:00:00Z"), 951782400000);
}

// Instants before 1970-01-01T00:00:00Z or after 9999-12-31T23:59:59.999Z are range errors.
TEST(EpochTest, OutOfRangeInstants) {
  EXPECT_EQ(epoch_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(epoch_error("1969-12-31T23:59:59Z"), Error::kEpochRange);
  EXPECT_EQ(epoch_error("1970-01-01T00:30:00+01:00"), Error::kEpochRange);  // 1969-12-31 23:30Z
  EXPECT_EQ(epoch_ms("9999-12-31T23:59:59.999Z"), kMaxEpochMs);
  EXPECT_EQ(kMaxEpochMs, 253402300799999);
  EXPECT_EQ(epoch_error("9999-12-31T23:59:59-00:01"), Error::kEpochRange);  // 10000-01-01 00:00:59Z
}

// Text that is neither a timestamp nor an integer is a syntax error.
TEST(EpochTest, GarbageIsSyntaxError) {
  EXPECT_EQ(epoch_error(""), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("   "), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("yesterday"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("-"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("+5"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("1.5"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("10000-01-01T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-1-1T00:00:00Z"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01X00:00:00Z"), Error::kEpochSyntax);
}

// Zones that are malformed, too large, or followed by more text are syntax errors.
TEST(EpochTest, BadZoneIsSyntaxError) {
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+1"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+01:0"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+16:00"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+01:60"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00X"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00ZZ"), Error::kEpochSyntax);
  EXPECT_EQ(epoch_error("2020-01-01T00:00:00+01:00 UTC"), Error::kEpochSyntax);
}

// days_from_civil counts days from 1970-01-01 in the proleptic Gregorian calendar.
TEST(EpochTest, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);  // 10957 to 2000-01-01, + 31 + 29
  EXPECT_EQ(days_from_civil(2020, 1, 1), 18262);
}

}  // namespace
}  // namespace flakeid
