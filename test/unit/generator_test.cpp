// The generator on a fake clock (plain now_ms values): sequences, exhaustion, bulk
// reservation, node ids, overflow, and the mapping between state values and IDs.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "core/codec.hpp"
#include "core/generator.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;
using test::kMinimal;
using test::kTwitter;
using test::make_generator;

// The error Generator::create gives for these node ids.
Error create_error(const Layout& layout, std::uint64_t datacenter, std::uint64_t machine) {
  return Generator::create(layout, kEpoch, datacenter, machine, ClockPolicy{}).error;
}

// The first ID at a new millisecond has sequence 0 and this node's bits.
TEST(GeneratorTest, FirstIdOfNewMillisecondHasSequenceZero) {
  const Generator g = make_generator(kTwitter, 1, 7);
  State state{0};
  const Step step = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.count, 1u);
  EXPECT_EQ(step.first, 4096000u);  // 1000 << 12, sequence 0
  // (1000 << 22) | (1 << 17) | (7 << 12) = 4194304000 + 131072 + 28672.
  EXPECT_EQ(g.id_at(step.first), 4194463744);
  EXPECT_EQ(state.load(), 4096000u);
}

// The next ID in the same millisecond takes the next sequence number.
TEST(GeneratorTest, SameMillisecondTakesNextSequence) {
  const Generator g = make_generator(kTwitter, 1, 7);
  State state{0};
  const std::int64_t first = g.id_at(g.reserve(state, kEpoch + 1000, 1).first);
  const Step second = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(second.kind, Step::Kind::kIssued);
  EXPECT_EQ(second.first, 4096001u);
  EXPECT_EQ(g.id_at(second.first), first + 1);
}

// A new millisecond starts over at sequence 0 even when the last one was barely used.
TEST(GeneratorTest, NewMillisecondRestartsSequence) {
  const Generator g = make_generator(kMinimal);
  State state{0};
  g.reserve(state, kEpoch + 1000, 3);
  const Step step = g.reserve(state, kEpoch + 1005, 1);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.first, 1029120u);  // 1005 * 1024, sequence 0
}

// The ID's timestamp is the clock reading the ID was issued at.
TEST(GeneratorTest, IssuedIdDecodesToClockReading) {
  const Generator g = make_generator(kTwitter, 2, 3);
  State state{0};
  const Step step = g.reserve(state, kEpoch + 123456789, 1);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  const Result<Decoded> d = decode(kTwitter, kEpoch, g.id_at(step.first));
  ASSERT_EQ(d.error, Error::kOk);
  EXPECT_EQ(d.value.timestamp_ms, kEpoch + 123456789);
  EXPECT_EQ(d.value.fields.datacenter, 2u);
  EXPECT_EQ(d.value.fields.machine, 3u);
  EXPECT_EQ(d.value.fields.sequence, 0u);
}

// On a clock that only moves forward, every ID is larger than the one before.
TEST(GeneratorTest, IdsStrictlyIncrease) {
  const Generator g = make_generator(kTwitter, 5, 9);
  State state{0};
  std::mt19937_64 random(7);
  std::int64_t now = kEpoch + 1;
  std::int64_t last = -1;
  int issued = 0;
  for (int i = 0; i < 20000; ++i) {
    now += static_cast<std::int64_t>(random() % 3);  // 0, 1 or 2 ms later
    const Step step = g.reserve(state, now, 1 + random() % 300);
    if (step.kind == Step::Kind::kWait) continue;  // the ms is used up; the clock moves on
    ASSERT_EQ(step.kind, Step::Kind::kIssued);
    for (std::uint64_t k = 0; k < step.count; ++k) {
      const std::int64_t id = g.id_at(step.first + k);
      ASSERT_GT(id, last);
      last = id;
      ++issued;
    }
  }
  EXPECT_GT(issued, 20000);
}

// A used-up sequence waits for the next millisecond, then issues sequence 0 there.
TEST(GeneratorTest, ExhaustedSequenceWaitsForNextMillisecond) {
  const Generator g = make_generator(kMinimal);
  State state{0};
  for (std::uint64_t seq = 0; seq < 1024; ++seq) {
    const Step step = g.reserve(state, kEpoch + 1000, 1);
    ASSERT_EQ(step.kind, Step::Kind::kIssued);
    ASSERT_EQ(step.first, 1024000u + seq);  // 1000 * 1024 + seq
  }
  const Step wait = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1001);
  EXPECT_EQ(wait.behind_ms, 0u);
  EXPECT_EQ(state.load(), 1024000u + 1023);  // waiting reserves nothing

  const Step next = g.reserve(state, kEpoch + 1001, 1);
  ASSERT_EQ(next.kind, Step::Kind::kIssued);
  EXPECT_EQ(next.first, 1025024u);  // 1001 * 1024, sequence 0
}

// Asking for more than a fresh millisecond holds gives all of that millisecond.
TEST(GeneratorTest, BulkReserveTakesWholeFreshMillisecond) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  const Step step = g.reserve(state, kEpoch + 1000, 5000);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.first, 4096000u);  // 1000 << 12
  EXPECT_EQ(step.count, 4096u);
  EXPECT_EQ(g.reserve(state, kEpoch + 1000, 1).kind, Step::Kind::kWait);
}

// A small bulk reservation gives that many consecutive IDs, and the next one follows on.
TEST(GeneratorTest, BulkReserveOfTenIsConsecutive) {
  const Generator g = make_generator(kTwitter, 1, 7);
  State state{0};
  const Step a = g.reserve(state, kEpoch + 1000, 10);
  ASSERT_EQ(a.kind, Step::Kind::kIssued);
  EXPECT_EQ(a.count, 10u);
  for (std::uint64_t k = 0; k < 10; ++k) {
    EXPECT_EQ(g.id_at(a.first + k), 4194463744 + static_cast<std::int64_t>(k));
  }
  const Step b = g.reserve(state, kEpoch + 1000, 10);
  ASSERT_EQ(b.kind, Step::Kind::kIssued);
  EXPECT_EQ(b.first, a.first + 10);
}

// A bulk reservation stops at the end of the millisecond: what is left, not more.
TEST(GeneratorTest, BulkReserveStopsAtEndOfMillisecond) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  ASSERT_EQ(g.reserve(state, kEpoch + 1000, 4090).count, 4090u);
  const Step rest = g.reserve(state, kEpoch + 1000, 10);
  ASSERT_EQ(rest.kind, Step::Kind::kIssued);
  EXPECT_EQ(rest.first, 4096000u + 4090);
  EXPECT_EQ(rest.count, 6u);  // sequences 4090..4095
}

// Node ids that do not fit the layout's fields are refused when the generator is made.
TEST(GeneratorTest, NodeIdsThatDoNotFitAreRefused) {
  EXPECT_EQ(create_error(kTwitter, 31, 31), Error::kOk);
  EXPECT_EQ(create_error(kTwitter, 32, 0), Error::kDatacenterIdRange);
  EXPECT_EQ(create_error(kTwitter, 0, 32), Error::kMachineIdRange);
  EXPECT_EQ(create_error(kMinimal, 0, 0), Error::kOk);
  EXPECT_EQ(create_error(kMinimal, 1, 0), Error::kDatacenterIdRange);
  EXPECT_EQ(create_error(kMinimal, 0, 1), Error::kMachineIdRange);
  EXPECT_EQ(create_error(Layout{41, 8, 8, 6}, 255, 255), Error::kOk);
  EXPECT_EQ(create_error(Layout{41, 8, 8, 6}, 256, 0), Error::kDatacenterIdRange);
}

// id_at puts this node's bits into every ID.
TEST(GeneratorTest, IdAtSetsNodeBits) {
  const Generator g = make_generator(kTwitter, 3, 9);
  // (3 << 17) | (9 << 12) = 393216 + 36864.
  EXPECT_EQ(g.id_at(0), 430080);
  // timestamp 1000, sequence 5: 4194304000 + 430080 + 5.
  EXPECT_EQ(g.id_at((1000u << 12) | 5), 4194734085);
}

// decode(id_at(v)) gives back v's timestamp and sequence, and this generator's node ids.
TEST(GeneratorTest, IdAtDecodeRoundTrip) {
  std::mt19937_64 random(99);
  for (const Layout& layout : {kTwitter, kMinimal, Layout{41, 8, 8, 6}, Layout{32, 0, 0, 31}}) {
    const std::uint64_t dc = layout.max_datacenter() / 2;
    const std::uint64_t machine = layout.max_machine();
    const Generator g = make_generator(layout, dc, machine);
    const std::uint64_t max_value = Layout::mask(layout.timestamp_bits + layout.sequence_bits);
    for (int i = 0; i < 1000; ++i) {
      const std::uint64_t value = random() & max_value;
      const std::int64_t id = g.id_at(value);
      ASSERT_GE(id, 0);
      const Result<Decoded> d = decode(layout, kEpoch, id);
      ASSERT_EQ(d.error, Error::kOk);
      ASSERT_EQ(d.value.fields.datacenter, dc);
      ASSERT_EQ(d.value.fields.machine, machine);
      ASSERT_EQ(d.value.fields.timestamp, value >> layout.sequence_bits);
      ASSERT_EQ(d.value.fields.sequence, value & layout.max_sequence());
    }
  }
}

// value_at_ms is the state value of sequence 0 of a millisecond, 0 up to the epoch.
TEST(GeneratorTest, ValueAtMs) {
  const Generator g = make_generator(kTwitter);
  EXPECT_EQ(g.value_at_ms(kEpoch + 1000), 4096000u);  // 1000 << 12
  EXPECT_EQ(g.value_at_ms(kEpoch), 0u);
  EXPECT_EQ(g.value_at_ms(kEpoch - 5), 0u);
}

// value_of_next_ms is sequence 0 of the following millisecond, from any sequence.
TEST(GeneratorTest, ValueOfNextMs) {
  const Generator g = make_generator(kTwitter);
  EXPECT_EQ(g.value_of_next_ms(g.value_at_ms(kEpoch + 1000)), g.value_at_ms(kEpoch + 1001));
  EXPECT_EQ(g.value_of_next_ms(g.value_at_ms(kEpoch + 1000) + 4095), g.value_at_ms(kEpoch + 1001));
  EXPECT_EQ(g.value_of_next_ms(0), 4096u);
}

// advance moves the state forward and never backwards.
TEST(GeneratorTest, AdvanceNeverMovesBackwards) {
  State state{5000};
  Generator::advance(state, 3000);
  EXPECT_EQ(state.load(), 5000u);
  Generator::advance(state, 5000);
  EXPECT_EQ(state.load(), 5000u);
  Generator::advance(state, 7000);
  EXPECT_EQ(state.load(), 7000u);
}

// After advance, the next ID in the floor's millisecond comes right after the floor.
TEST(GeneratorTest, AdvanceRaisesNextId) {
  const Generator g = make_generator(kMinimal);
  State state{0};
  Generator::advance(state, g.value_at_ms(kEpoch + 2000) + 7);
  const Step step = g.reserve(state, kEpoch + 2000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.first, 2048008u);  // 2000 * 1024 + 8
}

// A clock earlier than the epoch is an error, and nothing is reserved.
TEST(GeneratorTest, ClockBeforeEpochIsEpochInFuture) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  const Step step = g.reserve(state, kEpoch - 1, 1);
  EXPECT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kEpochInFuture);
  EXPECT_EQ(state.load(), 0u);
}

// A clock past the end of a 32-bit timestamp field is a timestamp overflow.
TEST(GeneratorTest, ClockPastTimestampRangeIsOverflow) {
  const Generator g = make_generator(Layout{32, 0, 0, 31});
  State state{0};
  // The last timestamp is 2^32 - 1 = 4294967295 ms after the epoch.
  EXPECT_EQ(g.reserve(state, kEpoch + 4294967295, 1).kind, Step::Kind::kIssued);
  const Step step = g.reserve(state, kEpoch + 4294967296, 1);
  EXPECT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kTimestampOverflow);
}

// Using up the last millisecond of the range is an overflow, not a wait for a next one.
TEST(GeneratorTest, ExhaustingLastMillisecondIsOverflow) {
  const Generator g = make_generator(Layout{32, 0, 0, 31});
  State state{0};
  const Step all = g.reserve(state, kEpoch + 4294967295, 1ULL << 31);
  ASSERT_EQ(all.kind, Step::Kind::kIssued);
  EXPECT_EQ(all.count, 2147483648u);                                  // 2^31: the whole millisecond
  EXPECT_EQ(g.id_at(all.first + all.count - 1), 0x7FFFFFFFFFFFFFFF);  // the very last ID
  const Step step = g.reserve(state, kEpoch + 4294967295, 1);
  EXPECT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kTimestampOverflow);
}

// With T = 1 there are only timestamps 0 and 1: the clock at epoch + 2 overflows.
TEST(GeneratorTest, OneBitTimestampOverflowsAfterTwoMilliseconds) {
  const Generator g = make_generator(Layout{1, 31, 0, 31}, 5, 0);
  State state{0};
  EXPECT_EQ(g.reserve(state, kEpoch + 1, 1).kind, Step::Kind::kIssued);
  EXPECT_EQ(g.reserve(state, kEpoch + 2, 1).error, Error::kTimestampOverflow);
}

}  // namespace
}  // namespace flakeid
