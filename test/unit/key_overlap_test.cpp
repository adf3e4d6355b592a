// Which key spaces of one server can give the same ID (core/key_overlap).
#include <gtest/gtest.h>

#include "core/key_overlap.hpp"

namespace flakeid {
namespace {

constexpr std::int64_t kEpoch = 1577836800000;
const Layout kTwitter{41, 5, 5, 12};
const Layout kMinimal{53, 0, 0, 10};
const Layout kSingleDc{41, 0, 10, 12};
const Layout kLargeCluster{41, 8, 8, 6};
const Layout kHighThroughput{41, 3, 3, 16};

// Every preset of 41 timestamp bits is ts << 22 | node | sequence: at node 0|0, their IDs
// of one millisecond meet (twitter's sequence 5 is large_cluster's sequence 5), but for
// those that share one state (twitter and single_dc: 12 sequence bits each), and a layout
// with itself.
TEST(KeyOverlapTest, FortyOneBitPresetsMeetAtNodeZero) {
  for (const Layout& a : {kTwitter, kSingleDc, kLargeCluster, kHighThroughput}) {
    for (const Layout& b : {kTwitter, kSingleDc, kLargeCluster, kHighThroughput}) {
      const Overlap expected =
          a.sequence_bits == b.sequence_bits ? Overlap::kNone : Overlap::kSameTime;
      EXPECT_EQ(key_overlap(a, kEpoch, b, kEpoch, 0, 0).kind, expected);
    }
  }
}

// At another node their node fields sit elsewhere: twitter 1|1 is bits 17 and 12,
// large_cluster 1|1 bits 14 and 6; their ranges of low bits do not meet.
TEST(KeyOverlapTest, NodeFieldsKeepThemApartElsewhere) {
  EXPECT_EQ(key_overlap(kTwitter, kEpoch, kLargeCluster, kEpoch, 1, 1).kind, Overlap::kNone);
  // twitter and single_dc share a state: one state word never gives one ID twice.
  EXPECT_EQ(key_overlap(kTwitter, kEpoch, kSingleDc, kEpoch, 0, 1).kind, Overlap::kNone);
  // Under epochs 1 s apart they do not: twitter 0|1 and single_dc 0|1 are both 4096 +
  // sequence.
  EXPECT_EQ(key_overlap(kTwitter, kEpoch, kSingleDc, kEpoch + 1000, 0, 1).kind, Overlap::kApart);
}

// The same layout under an epoch 1 s later: an ID equals one made 1 s earlier.
TEST(KeyOverlapTest, AnotherEpochIsAFixedSpanApart) {
  const KeyOverlap moved = key_overlap(kMinimal, kEpoch, kMinimal, kEpoch + 1000, 0, 0);
  EXPECT_EQ(moved.kind, Overlap::kApart);
  EXPECT_EQ(moved.apart_ms, 1000);
}

// Different timestamp widths: equal IDs only at times far apart, but in range.
TEST(KeyOverlapTest, OtherWidthsMeetAtOtherTimes) {
  EXPECT_EQ(key_overlap(kMinimal, kEpoch, kTwitter, kEpoch, 0, 0).kind, Overlap::kOtherTimes);
  EXPECT_EQ(key_overlap(kTwitter, kEpoch, kMinimal, kEpoch, 0, 0).kind, Overlap::kOtherTimes);
  // At node 0|0, minimal's low 10 bits are all sequence, and 51,1,1,10 has every pattern of
  // its lowest 10.
  EXPECT_EQ(key_overlap(kMinimal, kEpoch, Layout{51, 1, 1, 10}, kEpoch, 0, 0).kind,
            Overlap::kOtherTimes);
  // Machine 1: the low 2 bits of 61,0,1,1 are 1 then its sequence (10 or 11); 60,0,3,0
  // ends in 001, whose lowest 2 bits are 01: never equal.
  EXPECT_EQ(key_overlap(Layout{61, 0, 1, 1}, kEpoch, Layout{60, 0, 3, 0}, kEpoch, 0, 1).kind,
            Overlap::kNone);
}

// A layout the node ids do not fit makes no ID.
TEST(KeyOverlapTest, NodeOutsideALayoutMakesNoId) {
  EXPECT_EQ(key_overlap(kMinimal, kEpoch, kTwitter, kEpoch, 1, 0).kind, Overlap::kNone);
}

}  // namespace
}  // namespace flakeid
