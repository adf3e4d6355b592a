// Helpers shared by the unit tests: readable gtest output for the core's enums, the
// layouts and epoch most tests use, and a generator that must be valid.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>

#include "core/epoch.hpp"
#include "core/error.hpp"
#include "core/generator.hpp"
#include "core/layout.hpp"

namespace flakeid {

// gtest prints an Error by its stable name instead of a raw byte.
inline void PrintTo(Error error, std::ostream* os) {
  *os << error_name(error);
}

// gtest prints a Step::Kind by name.
inline void PrintTo(Step::Kind kind, std::ostream* os) {
  switch (kind) {
    case Step::Kind::kIssued:
      *os << "kIssued";
      return;
    case Step::Kind::kWait:
      *os << "kWait";
      return;
    case Step::Kind::kFailed:
      *os << "kFailed";
      return;
  }
  *os << "Kind(" << static_cast<int>(kind) << ")";
}

// gtest prints a Share by name.
inline void PrintTo(Share share, std::ostream* os) {
  switch (share) {
    case Share::kAll:
      *os << "kAll";
      return;
    case Share::kHalf:
      *os << "kHalf";
      return;
    case Share::kShared:
      *os << "kShared";
      return;
  }
  *os << "Share(" << static_cast<int>(share) << ")";
}

namespace test {

constexpr std::int64_t kEpoch = kDefaultEpochMs;  // 2020-01-01T00:00:00Z
constexpr Layout kTwitter{41, 5, 5, 12};
constexpr Layout kMinimal{53, 0, 0, 10};

// A generator on kEpoch that the test expects to be created without error.
inline Generator make_generator(const Layout& layout, std::uint64_t datacenter = 0,
                                std::uint64_t machine = 0, ClockPolicy policy = {}) {
  const Result<Generator> created = Generator::create(layout, kEpoch, datacenter, machine, policy);
  EXPECT_EQ(created.error, Error::kOk);
  return created.value;
}

}  // namespace test
}  // namespace flakeid
