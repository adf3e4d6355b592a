// The small text helpers behind setting parsing: trim, iequals, parse_uint.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/text.hpp"

namespace flakeid {
namespace {

constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

// The value parse_uint gives, or a sentinel when it refuses the text.
std::uint64_t parsed_uint(std::string_view text, std::uint64_t max) {
  std::uint64_t out = 0xDEAD;
  return text::parse_uint(text, max, &out) ? out : 0xBAD;
}

// trim drops ASCII whitespace at both ends only.
TEST(TextTest, Trim) {
  EXPECT_EQ(text::trim("  a b \t\n"), "a b");
  EXPECT_EQ(text::trim("\r\f\v"), "");
  EXPECT_EQ(text::trim(""), "");
  EXPECT_EQ(text::trim("x"), "x");
}

// iequals compares ASCII letters without case, and lengths exactly.
TEST(TextTest, Iequals) {
  EXPECT_TRUE(text::iequals("Twitter", "tWITTER"));
  EXPECT_TRUE(text::iequals("single_dc", "SINGLE_DC"));
  EXPECT_FALSE(text::iequals("twitter", "twitte"));
  EXPECT_FALSE(text::iequals("a_b", "a-b"));
}

// parse_uint reads whole unsigned decimals up to and including `max`.
TEST(TextTest, ParseUintAcceptsUpToMax) {
  EXPECT_EQ(parsed_uint("0", 1000), 0u);
  EXPECT_EQ(parsed_uint("1000", 1000), 1000u);
  EXPECT_EQ(parsed_uint("007", 1000), 7u);
  EXPECT_EQ(parsed_uint("18446744073709551615", kU64Max), kU64Max);  // 2^64 - 1
}

// parse_uint refuses empty text, non-digits, and values past `max`.
TEST(TextTest, ParseUintRefusesBadText) {
  EXPECT_EQ(parsed_uint("", 1000), 0xBADu);
  EXPECT_EQ(parsed_uint(" 1", 1000), 0xBADu);
  EXPECT_EQ(parsed_uint("-1", 1000), 0xBADu);
  EXPECT_EQ(parsed_uint("1e3", 1000), 0xBADu);
  EXPECT_EQ(parsed_uint("1001", 1000), 0xBADu);
  EXPECT_EQ(parsed_uint("18446744073709551616", kU64Max), 0xBADu);  // 2^64
  EXPECT_EQ(parsed_uint("99999999999999999999", kU64Max), 0xBADu);
}

// parse_uint refuses a value past a single-digit max, even when one digit exceeds it.
TEST(TextTest, ParseUintRespectsSmallMax) {
  EXPECT_EQ(parsed_uint("3", 3), 3u);
  EXPECT_EQ(parsed_uint("5", 3), 0xBADu);
  EXPECT_EQ(parsed_uint("19", 5), 0xBADu);
  EXPECT_EQ(parsed_uint("1", 0), 0xBADu);
  EXPECT_EQ(parsed_uint("0", 0), 0u);
}

}  // namespace
}  // namespace flakeid
