// The short stable names of the core's error codes.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "core/error.hpp"

namespace flakeid {
namespace {

// Each code has its own non-empty name; none falls through to "unknown".
TEST(ErrorTest, EveryCodeHasItsOwnName) {
  std::set<std::string> names;
  const int last = static_cast<int>(Error::kSpanOverflow);
  for (int code = 0; code <= last; ++code) {
    const std::string name = error_name(static_cast<Error>(code));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown") << "code " << code;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(last) + 1);
}

// A few names as logs and tests spell them.
TEST(ErrorTest, NamesAreSnakeCase) {
  EXPECT_STREQ(error_name(Error::kOk), "ok");
  EXPECT_STREQ(error_name(Error::kLayoutUnknownPreset), "layout_unknown_preset");
  EXPECT_STREQ(error_name(Error::kClockMovedBackwards), "clock_moved_backwards");
  EXPECT_STREQ(error_name(Error::kTimestampOverflow), "timestamp_overflow");
}

// Result is ok exactly when its error is kOk.
TEST(ErrorTest, ResultOk) {
  EXPECT_TRUE((Result<int>{5, Error::kOk}.ok()));
  EXPECT_FALSE((Result<int>{0, Error::kIdNegative}.ok()));
}

}  // namespace
}  // namespace flakeid
