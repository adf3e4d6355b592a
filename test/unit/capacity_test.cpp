// The capacity of a layout: years of timestamps, nodes, IDs per second, and the last
// millisecond the layout can hold.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/codec.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// twitter: 2^41 ms / (365.25 * 86400000 ms) = 69.68 years, 2^10 nodes, 4096 IDs per ms.
TEST(CapacityTest, Twitter) {
  const Capacity c = capacity(Layout{41, 5, 5, 12}, kEpoch);
  EXPECT_NEAR(c.years, 69.7, 0.05);
  EXPECT_EQ(c.nodes, 1024u);
  EXPECT_EQ(c.ids_per_ms, 4096u);
  EXPECT_EQ(c.ids_per_sec, 4096000u);
  // 1577836800000 + 2^41 - 1 = 1577836800000 + 2199023255551.
  EXPECT_EQ(c.last_ms, 3776860055551);
  EXPECT_FALSE(c.last_ms_overflows);
}

// minimal: 2^53 ms is about 285 421 years, one node, 1024 IDs per ms.
TEST(CapacityTest, Minimal) {
  const Capacity c = capacity(Layout{53, 0, 0, 10}, kEpoch);
  EXPECT_NEAR(c.years, 285420.9, 0.1);
  EXPECT_EQ(c.nodes, 1u);
  EXPECT_EQ(c.ids_per_ms, 1024u);
  EXPECT_EQ(c.ids_per_sec, 1024000u);
  // 1577836800000 + 2^53 - 1 = 1577836800000 + 9007199254740991.
  EXPECT_EQ(c.last_ms, 9008777091540991);
  EXPECT_FALSE(c.last_ms_overflows);
}

// The other presets: nodes = 2^(D+M), ids_per_sec = 2^S * 1000.
TEST(CapacityTest, OtherPresets) {
  const Capacity single_dc = capacity(Layout{41, 0, 10, 12}, kEpoch);
  EXPECT_EQ(single_dc.nodes, 1024u);
  EXPECT_EQ(single_dc.ids_per_sec, 4096000u);
  const Capacity large_cluster = capacity(Layout{41, 8, 8, 6}, kEpoch);
  EXPECT_EQ(large_cluster.nodes, 65536u);  // 2^16
  EXPECT_EQ(large_cluster.ids_per_sec, 64000u);
  const Capacity high_throughput = capacity(Layout{41, 3, 3, 16}, kEpoch);
  EXPECT_EQ(high_throughput.nodes, 64u);
  EXPECT_EQ(high_throughput.ids_per_sec, 65536000u);  // 2^16 * 1000
}

// The first millisecond whose IDs can reach 2^53 (JavaScript's exact limit): epoch +
// 2^(53 - (D+M+S)) ms. twitter: 2^31 ms = 2147483648; minimal: 2^43 = 8796093022208;
// js_safe: 2^41 = 2199023255552, one ms after twitter's range ends. The last ID of the
// millisecond before is 2^53 - 1, the first of that millisecond 2^53.
TEST(CapacityTest, JavaScriptExactLimit) {
  EXPECT_EQ(capacity(Layout{41, 5, 5, 12}, kEpoch).js_unsafe_ms, 1577836800000 + 2147483648);
  EXPECT_EQ(capacity(Layout{53, 0, 0, 10}, kEpoch).js_unsafe_ms, 1577836800000 + 8796093022208);
  const Capacity js_safe = capacity(Layout{51, 0, 6, 6}, kEpoch);
  EXPECT_EQ(js_safe.js_unsafe_ms, 1577836800000 + 2199023255552);
  EXPECT_EQ(js_safe.js_unsafe_ms, capacity(Layout{41, 5, 5, 12}, kEpoch).last_ms + 1);
  const Layout l{51, 0, 6, 6};
  const std::uint64_t t = static_cast<std::uint64_t>(js_safe.js_unsafe_ms - kEpoch);
  EXPECT_EQ(t << l.timestamp_shift(), kJsExactLimit);
  EXPECT_EQ(
      ((t - 1) << l.timestamp_shift()) | (l.max_machine() << l.machine_shift()) | l.max_sequence(),
      kJsExactLimit - 1);
  // More than 53 bits below the timestamp: the epoch's own millisecond reaches 2^53.
  EXPECT_EQ(capacity(Layout{9, 31, 23, 0}, kEpoch).js_unsafe_ms, kEpoch);
  // The sum stays within 64 bits.
  EXPECT_EQ(capacity(Layout{63, 0, 0, 0}, kInt64Max).js_unsafe_ms, kInt64Max);
}

// The widest sequence: 2^31 IDs per ms, and the timestamp range ends at epoch + 2^32 - 1.
TEST(CapacityTest, WidestSequence) {
  const Capacity c = capacity(Layout{32, 0, 0, 31}, kEpoch);
  EXPECT_EQ(c.ids_per_ms, 2147483648u);
  EXPECT_EQ(c.ids_per_sec, 2147483648000u);
  EXPECT_EQ(c.last_ms, 1582131767295);  // 1577836800000 + 4294967295
}

// The last millisecond is epoch + 2^T - 1 for any epoch.
TEST(CapacityTest, LastMsFollowsEpoch) {
  EXPECT_EQ(capacity(Layout{41, 5, 5, 12}, 0).last_ms, 2199023255551);  // 2^41 - 1
  EXPECT_EQ(capacity(Layout{1, 31, 0, 31}, 1000).last_ms, 1001);        // 2^1 - 1 = 1
}

// T = 63 with a 2020 epoch ends past int64: flagged, and last_ms is clamped.
TEST(CapacityTest, T63OverflowsWithLateEpoch) {
  const Capacity c = capacity(Layout{63, 0, 0, 0}, kEpoch);
  EXPECT_TRUE(c.last_ms_overflows);
  EXPECT_EQ(c.last_ms, kInt64Max);
  EXPECT_EQ(c.nodes, 1u);
  EXPECT_EQ(c.ids_per_sec, 1000u);         // S = 0: one ID per ms
  EXPECT_NEAR(c.years, 292271023.0, 1.0);  // 2^63 / 31557600000
}

// T = 63 from the Unix epoch ends exactly at int64's maximum: no overflow.
TEST(CapacityTest, T63FitsFromUnixEpoch) {
  const Capacity c = capacity(Layout{63, 0, 0, 0}, 0);
  EXPECT_FALSE(c.last_ms_overflows);
  EXPECT_EQ(c.last_ms, kInt64Max);
  // One ms earlier epoch: -1 + 2^63 - 1 = 2^63 - 2.
  const Capacity before = capacity(Layout{63, 0, 0, 0}, -1);
  EXPECT_FALSE(before.last_ms_overflows);
  EXPECT_EQ(before.last_ms, 9223372036854775806);
}

}  // namespace
}  // namespace flakeid
