// Encoding fields into an ID and decoding an ID into fields: hand-worked IDs per preset,
// random round trips, and the errors of bad input.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/codec.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kInt64Min = std::numeric_limits<std::int64_t>::min();

// Encodes `fields`, checks the ID is `expected_id`, and decodes it back to the same fields
// at kEpoch + timestamp.
void expect_id(const Layout& layout, const Fields& fields, std::int64_t expected_id) {
  const Result<std::int64_t> id = encode(layout, fields);
  ASSERT_EQ(id.error, Error::kOk);
  EXPECT_EQ(id.value, expected_id);
  const Result<Decoded> decoded = decode(layout, kEpoch, expected_id);
  ASSERT_EQ(decoded.error, Error::kOk);
  EXPECT_EQ(decoded.value.raw, expected_id);
  EXPECT_EQ(decoded.value.timestamp_ms, kEpoch + static_cast<std::int64_t>(fields.timestamp));
  EXPECT_EQ(decoded.value.fields.timestamp, fields.timestamp);
  EXPECT_EQ(decoded.value.fields.datacenter, fields.datacenter);
  EXPECT_EQ(decoded.value.fields.machine, fields.machine);
  EXPECT_EQ(decoded.value.fields.sequence, fields.sequence);
}

// The error encode gives for `fields`.
Error encode_error(const Layout& layout, const Fields& fields) {
  return encode(layout, fields).error;
}

// twitter, timestamp 1000, dc 1, machine 7, seq 5: (1000<<22)|(1<<17)|(7<<12)|5.
TEST(CodecTest, TwitterHandWorkedId) {
  // 1000 * 4194304 = 4194304000; + 131072 + 28672 + 5 = 4194463749.
  expect_id(Layout{41, 5, 5, 12}, {1000, 1, 7, 5}, 4194463749);
}

// minimal, timestamp 1000, seq 5: (1000<<10)|5.
TEST(CodecTest, MinimalHandWorkedId) {
  // 1000 * 1024 = 1024000; + 5 = 1024005.
  expect_id(Layout{53, 0, 0, 10}, {1000, 0, 0, 5}, 1024005);
}

// single_dc, timestamp 1000, machine 7, seq 5: (1000<<22)|(7<<12)|5.
TEST(CodecTest, SingleDcHandWorkedId) {
  // 4194304000 + 28672 + 5 = 4194332677.
  expect_id(Layout{41, 0, 10, 12}, {1000, 0, 7, 5}, 4194332677);
}

// large_cluster, timestamp 1000, dc 1, machine 7, seq 5: (1000<<22)|(1<<14)|(7<<6)|5.
TEST(CodecTest, LargeClusterHandWorkedId) {
  // 4194304000 + 16384 + 448 + 5 = 4194320837.
  expect_id(Layout{41, 8, 8, 6}, {1000, 1, 7, 5}, 4194320837);
}

// high_throughput, timestamp 1000, dc 1, machine 7, seq 5: (1000<<22)|(1<<19)|(7<<16)|5.
TEST(CodecTest, HighThroughputHandWorkedId) {
  // 4194304000 + 524288 + 458752 + 5 = 4195287045.
  expect_id(Layout{41, 3, 3, 16}, {1000, 1, 7, 5}, 4195287045);
}

// Every field at its maximum sets all 63 low bits, for every preset and custom layout.
TEST(CodecTest, AllFieldsAtMaximumIsInt64Max) {
  for (const Layout& layout :
       {Layout{41, 5, 5, 12}, Layout{53, 0, 0, 10}, Layout{41, 0, 10, 12}, Layout{41, 8, 8, 6},
        Layout{41, 3, 3, 16}, Layout{63, 0, 0, 0}, Layout{1, 31, 0, 31}, Layout{1, 0, 31, 31}}) {
    const Fields max{layout.max_timestamp(), layout.max_datacenter(), layout.max_machine(),
                     layout.max_sequence()};
    const Result<std::int64_t> id = encode(layout, max);
    ASSERT_EQ(id.error, Error::kOk);
    EXPECT_EQ(id.value, kInt64Max);
  }
}

// The layouts the random round trips cover: the presets and some extreme custom ones.
std::vector<Layout> round_trip_layouts() {
  std::vector<Layout> layouts;
  for (const Preset& preset : kPresets) layouts.push_back(preset.layout);
  for (const Layout& custom : {Layout{63, 0, 0, 0}, Layout{1, 31, 0, 31}, Layout{32, 0, 31, 0},
                               Layout{32, 31, 0, 0}, Layout{40, 6, 5, 12}, Layout{21, 21, 0, 21}}) {
    layouts.push_back(custom);
  }
  return layouts;
}

// Random fields encode and decode back to themselves under every layout.
TEST(CodecTest, RandomFieldsRoundTrip) {
  std::mt19937_64 random(20200101);
  for (const Layout& layout : round_trip_layouts()) {
    // A 63-bit timestamp plus the 2020 epoch would not fit in int64 milliseconds.
    const std::int64_t epoch = layout.timestamp_bits == 63 ? 0 : kEpoch;
    for (int i = 0; i < 2000; ++i) {
      const Fields f{random() & layout.max_timestamp(), random() & layout.max_datacenter(),
                     random() & layout.max_machine(), random() & layout.max_sequence()};
      const Result<std::int64_t> id = encode(layout, f);
      ASSERT_EQ(id.error, Error::kOk);
      ASSERT_GE(id.value, 0);
      const Result<Decoded> d = decode(layout, epoch, id.value);
      ASSERT_EQ(d.error, Error::kOk);
      ASSERT_EQ(d.value.fields.timestamp, f.timestamp);
      ASSERT_EQ(d.value.fields.datacenter, f.datacenter);
      ASSERT_EQ(d.value.fields.machine, f.machine);
      ASSERT_EQ(d.value.fields.sequence, f.sequence);
      ASSERT_EQ(d.value.timestamp_ms, epoch + static_cast<std::int64_t>(f.timestamp));
    }
  }
}

// Any non-negative ID decodes to fields that encode back to the same ID.
TEST(CodecTest, RandomIdsRoundTrip) {
  std::mt19937_64 random(42);
  for (const Layout& layout : round_trip_layouts()) {
    for (int i = 0; i < 2000; ++i) {
      const std::int64_t id = static_cast<std::int64_t>(random() >> 1);  // sign bit clear
      const Result<Decoded> d = decode(layout, 0, id);
      ASSERT_EQ(d.error, Error::kOk);
      ASSERT_EQ(d.value.raw, id);
      const Result<std::int64_t> again = encode(layout, d.value.fields);
      ASSERT_EQ(again.error, Error::kOk);
      ASSERT_EQ(again.value, id);
    }
  }
}

// A later millisecond always gives a larger ID, whatever the node and sequence.
TEST(CodecTest, TimestampDominatesOrder) {
  const Layout twitter{41, 5, 5, 12};
  const std::int64_t early = encode(twitter, {1000, 31, 31, 4095}).value;
  const std::int64_t late = encode(twitter, {1001, 0, 0, 0}).value;
  EXPECT_LT(early, late);
  EXPECT_EQ(late - early, 1);  // the highest ID of ms 1000 is right below ms 1001's lowest
}

// A negative ID is refused.
TEST(CodecTest, NegativeIdIsRefused) {
  EXPECT_EQ(decode(Layout{41, 5, 5, 12}, kEpoch, -1).error, Error::kIdNegative);
  EXPECT_EQ(decode(Layout{53, 0, 0, 10}, kEpoch, kInt64Min).error, Error::kIdNegative);
  EXPECT_EQ(decode(Layout{53, 0, 0, 10}, kEpoch, 0).error, Error::kOk);
}

// With T = 63, epoch + timestamp can pass int64: that is an error, right past the edge.
TEST(CodecTest, TimestampPastInt64IsOutOfRange) {
  const Layout t63{63, 0, 0, 0};
  EXPECT_EQ(decode(t63, kEpoch, kInt64Max).error, Error::kTimestampOutOfRange);
  // 9223372036854775807 - 1577836800000 = 9223370459017975807 is the largest that fits.
  const Result<Decoded> edge = decode(t63, kEpoch, 9223370459017975807);
  ASSERT_EQ(edge.error, Error::kOk);
  EXPECT_EQ(edge.value.timestamp_ms, kInt64Max);
  EXPECT_EQ(decode(t63, kEpoch, 9223370459017975808).error, Error::kTimestampOutOfRange);
}

// An epoch before 1970 still decodes without signed overflow (UBSan checks this).
TEST(CodecTest, NegativeEpochDecodes) {
  // minimal, timestamp 5000, seq 3: 5000 * 1024 + 3 = 5120003; -1000 + 5000 = 4000.
  const Result<Decoded> d = decode(Layout{53, 0, 0, 10}, -1000, 5120003);
  ASSERT_EQ(d.error, Error::kOk);
  EXPECT_EQ(d.value.timestamp_ms, 4000);
  EXPECT_EQ(d.value.fields.sequence, 3u);
  // The most negative epoch plus the largest 63-bit timestamp is -1.
  const Result<Decoded> low = decode(Layout{63, 0, 0, 0}, kInt64Min, kInt64Max);
  ASSERT_EQ(low.error, Error::kOk);
  EXPECT_EQ(low.value.timestamp_ms, -1);
}

// A field one past its maximum is refused by encode, for each field.
TEST(CodecTest, FieldTooWideIsRefused) {
  const Layout twitter{41, 5, 5, 12};
  EXPECT_EQ(encode_error(twitter, {1ULL << 41, 0, 0, 0}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(twitter, {0, 32, 0, 0}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(twitter, {0, 0, 32, 0}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(twitter, {0, 0, 0, 4096}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(twitter, {(1ULL << 41) - 1, 31, 31, 4095}), Error::kOk);
  // minimal has no node bits: any non-zero node id is too wide.
  const Layout minimal{53, 0, 0, 10};
  EXPECT_EQ(encode_error(minimal, {0, 1, 0, 0}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(minimal, {0, 0, 1, 0}), Error::kFieldValueRange);
  EXPECT_EQ(encode_error(minimal, {0, 0, 0, 1024}), Error::kFieldValueRange);
}

// The first and last IDs of a millisecond, worked out by hand:
// twitter at epoch + 1000 ms: 1000 << 22 = 4194304000, plus 2^22 - 1 = 4194303 of node
// and sequence bits set: 4198498303. minimal: 1000 << 10 = 1024000, plus 1023: 1025023.
TEST(CodecTest, FirstAndLastIdOfMillisecond) {
  constexpr std::int64_t kEpochMs = 1577836800000;
  const Layout twitter{41, 5, 5, 12};
  const Layout minimal{53, 0, 0, 10};
  EXPECT_EQ(first_id_in_ms(twitter, kEpochMs, kEpochMs + 1000).value, 4194304000);
  EXPECT_EQ(last_id_in_ms(twitter, kEpochMs, kEpochMs + 1000).value, 4198498303);
  EXPECT_EQ(first_id_in_ms(minimal, kEpochMs, kEpochMs + 1000).value, 1024000);
  EXPECT_EQ(last_id_in_ms(minimal, kEpochMs, kEpochMs + 1000).value, 1025023);
  // The epoch itself: ID 0 .. all low bits set.
  EXPECT_EQ(first_id_in_ms(twitter, kEpochMs, kEpochMs).value, 0);
  EXPECT_EQ(last_id_in_ms(twitter, kEpochMs, kEpochMs).value, 4194303);
}

// Outside the layout's range: before the epoch, or past the last timestamp.
TEST(CodecTest, FirstAndLastIdOutsideRange) {
  const Layout t32{32, 0, 0, 31};
  EXPECT_EQ(first_id_in_ms(t32, 1000, 999).error, Error::kTimeBeforeEpoch);
  EXPECT_EQ(last_id_in_ms(t32, 1000, -5).error, Error::kTimeBeforeEpoch);
  // 2^32 ms after the epoch is one past the last timestamp (2^32 - 1).
  EXPECT_EQ(first_id_in_ms(t32, 1000, 1000 + 4294967296).error, Error::kTimeAfterRange);
  // The last millisecond's last ID is (2^32 - 1) << 31 | (2^31 - 1) = 2^63 - 1.
  EXPECT_EQ(last_id_in_ms(t32, 1000, 1000 + 4294967295).value, INT64_MAX);
}

}  // namespace
}  // namespace flakeid
