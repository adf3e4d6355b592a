// The node of an ID (its datacenter and machine fields as one number) and the width in IDs
// of a time span: hand-worked values per layout, the edges, and the errors.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/codec.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMsPerDay = 86400000;

// The node of the ID with these fields under `layout`.
std::int64_t node_of_fields(const Layout& layout, const Fields& fields) {
  const Result<std::int64_t> id = encode(layout, fields);
  EXPECT_EQ(id.error, Error::kOk);
  const Result<std::int64_t> node = node_of(layout, id.value);
  EXPECT_EQ(node.error, Error::kOk);
  return node.value;
}

// twitter (5 datacenter, 5 machine bits): datacenter 3, machine 17 is 3 << 5 | 17 = 113;
// the ID (1000 << 22) | (3 << 17) | (17 << 12) | 5 = 4194304000 + 393216 + 69632 + 5.
TEST(NodeTest, TwitterHandWorked) {
  const Layout twitter{41, 5, 5, 12};
  EXPECT_EQ(node_of(twitter, 4194766853).value, 113);
  EXPECT_EQ(node_of_fields(twitter, {1000, 3, 17, 5}), 113);
  EXPECT_EQ(node_of_fields(twitter, {1000, 31, 31, 4095}), 1023);
  EXPECT_EQ(node_of_fields(twitter, {1000, 0, 0, 4095}), 0);
}

// Datacenter and machine in their places: 41,1,1,20 numbers (dc, machine) (0,1) as 1 and
// (1,0) as 2; large_cluster's datacenter 200, machine 9 is 200 * 256 + 9 = 51209.
TEST(NodeTest, DatacenterAboveMachine) {
  const Layout four{41, 1, 1, 20};
  EXPECT_EQ(node_of_fields(four, {7, 0, 0, 99}), 0);
  EXPECT_EQ(node_of_fields(four, {7, 0, 1, 99}), 1);
  EXPECT_EQ(node_of_fields(four, {7, 1, 0, 99}), 2);
  EXPECT_EQ(node_of_fields(four, {7, 1, 1, 99}), 3);
  EXPECT_EQ(node_of_fields(Layout{41, 8, 8, 6}, {1000, 200, 9, 5}), 51209);
  // single_dc has machine bits only: the node is the machine.
  EXPECT_EQ(node_of_fields(Layout{41, 0, 10, 12}, {1000, 0, 1023, 5}), 1023);
  // A datacenter field alone (0 machine bits): the node is the datacenter.
  EXPECT_EQ(node_of_fields(Layout{41, 10, 0, 12}, {1000, 700, 0, 5}), 700);
}

// minimal has no node bits: every ID, even the largest, is node 0.
TEST(NodeTest, MinimalIsNodeZero) {
  const Layout minimal{53, 0, 0, 10};
  EXPECT_EQ(node_of(minimal, kInt64Max).value, 0);
  EXPECT_EQ(node_of(minimal, 0).value, 0);
}

// The widest node field, 31 + 31 bits: INT64_MAX is node 2^62 - 1.
TEST(NodeTest, WidestNode) {
  EXPECT_EQ(node_of(Layout{1, 31, 31, 0}, kInt64Max).value, (std::int64_t{1} << 62) - 1);
}

// A negative ID has no node.
TEST(NodeTest, NegativeIdIsRefused) {
  EXPECT_EQ(node_of(Layout{41, 5, 5, 12}, -1).error, Error::kIdNegative);
  EXPECT_EQ(node_of(Layout{41, 5, 5, 12}, std::numeric_limits<std::int64_t>::min()).error,
            Error::kIdNegative);
}

// A span's length: days of 24 hours plus the time part, in whole milliseconds.
TEST(SpanTest, Milliseconds) {
  EXPECT_EQ(span_ms(0, 1, 0).value, kMsPerDay);
  EXPECT_EQ(span_ms(0, 0, 1000).value, 1);
  EXPECT_EQ(span_ms(0, 0, 3600000000).value, 3600000);
  // '1 day -1 hour' is 23 hours.
  EXPECT_EQ(span_ms(0, 1, -3600000000).value, 82800000);
  // The widest a PostgreSQL interval can be without months does not overflow.
  EXPECT_EQ(span_ms(0, 2147483647, 9223372036854775000).value,
            2147483647 * kMsPerDay + 9223372036854775);
}

// The errors of a span: months, a fraction of a millisecond, zero or negative.
TEST(SpanTest, Refused) {
  EXPECT_EQ(span_ms(1, 0, 0).error, Error::kSpanMonths);
  EXPECT_EQ(span_ms(-1, 40, 0).error, Error::kSpanMonths);
  EXPECT_EQ(span_ms(0, 0, 1500).error, Error::kSpanFraction);
  EXPECT_EQ(span_ms(0, 0, 999).error, Error::kSpanFraction);
  EXPECT_EQ(span_ms(0, 1, -1).error, Error::kSpanFraction);
  EXPECT_EQ(span_ms(0, 0, 0).error, Error::kSpanNotPositive);
  EXPECT_EQ(span_ms(0, -1, 0).error, Error::kSpanNotPositive);
  EXPECT_EQ(span_ms(0, 1, -86400000000).error, Error::kSpanNotPositive);
}

// IDs in a span, worked out by hand: a day of twitter is 86,400,000 << 22 =
// 362,387,865,600,000; a day of minimal 86,400,000 << 10 = 88,473,600,000.
TEST(SpanTest, IdsInSpan) {
  const Layout twitter{41, 5, 5, 12};
  const Layout minimal{53, 0, 0, 10};
  EXPECT_EQ(ids_in_span(twitter, kMsPerDay).value, 362387865600000);
  EXPECT_EQ(ids_in_span(minimal, kMsPerDay).value, 88473600000);
  EXPECT_EQ(ids_in_span(twitter, 1).value, 4194304);
  // A span from a millisecond's first ID ends at the next millisecond's first ID.
  const std::int64_t epoch = 1577836800000;
  EXPECT_EQ(
      first_id_in_ms(twitter, epoch, epoch + 5000).value + ids_in_span(twitter, kMsPerDay).value,
      first_id_in_ms(twitter, epoch, epoch + 5000 + kMsPerDay).value);
}

// The widest span a layout can count is its last timestamp, 2^T - 1 ms; one more overflows.
TEST(SpanTest, Overflow) {
  const Layout twitter{41, 5, 5, 12};
  const Layout minimal{53, 0, 0, 10};
  EXPECT_EQ(ids_in_span(twitter, (std::int64_t{1} << 41) - 1).value,
            kInt64Max - ((std::int64_t{1} << 22) - 1));
  EXPECT_EQ(ids_in_span(twitter, std::int64_t{1} << 41).error, Error::kSpanOverflow);
  EXPECT_EQ(ids_in_span(minimal, std::int64_t{1} << 53).error, Error::kSpanOverflow);
  EXPECT_EQ(ids_in_span(minimal, kInt64Max).error, Error::kSpanOverflow);
  EXPECT_EQ(ids_in_span(Layout{63, 0, 0, 0}, kInt64Max).value, kInt64Max);
  EXPECT_EQ(ids_in_span(twitter, 0).error, Error::kSpanNotPositive);
  EXPECT_EQ(ids_in_span(twitter, -5).error, Error::kSpanNotPositive);
}

}  // namespace
}  // namespace flakeid
