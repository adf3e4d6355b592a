// The generator's clock policy on a fake clock: a clock behind the last ID is waited out
// up to the tolerance and refused beyond it; with max_lead_ms the generator runs ahead of
// the clock as a logical clock, by at most that lead.
#include <gtest/gtest.h>

#include <cstdint>

#include "core/generator.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;
using test::kMinimal;
using test::kTwitter;
using test::make_generator;

// The logical-clock policy: IDs may run up to 100 ms ahead of the clock.
ClockPolicy logical_clock() {
  ClockPolicy policy;
  policy.tolerance_ms = 10;
  policy.max_lead_ms = 100;
  return policy;
}

// The default policy is a 10 ms tolerance and IDs kept on the wall clock.
TEST(ClockPolicyTest, Defaults) {
  const ClockPolicy policy;
  EXPECT_EQ(policy.tolerance_ms, 10);
  EXPECT_EQ(policy.max_lead_ms, 0);
}

// A clock 5 ms behind the last ID waits until the last ID's millisecond, then continues.
TEST(ClockPolicyTest, BackWithinToleranceWaitsForLastMillisecond) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  ASSERT_EQ(g.reserve(state, kEpoch + 1000, 1).first, 4096000u);  // 1000 << 12
  const Step wait = g.reserve(state, kEpoch + 995, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1000);
  EXPECT_EQ(wait.behind_ms, 5u);
  EXPECT_EQ(state.load(), 4096000u);  // nothing reserved while waiting

  const Step next = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(next.kind, Step::Kind::kIssued);
  EXPECT_EQ(next.first, 4096001u);  // sequence 1 of ms 1000: no ID repeats
}

// A clock exactly the tolerance (10 ms) behind is still waited out.
TEST(ClockPolicyTest, BackByExactlyToleranceWaits) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  g.reserve(state, kEpoch + 1000, 1);
  const Step wait = g.reserve(state, kEpoch + 990, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1000);
  EXPECT_EQ(wait.behind_ms, 10u);
}

// A clock 11 ms behind (one past the tolerance) is an error that says how far behind.
TEST(ClockPolicyTest, BackBeyondToleranceFails) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  g.reserve(state, kEpoch + 1000, 1);
  const Step step = g.reserve(state, kEpoch + 989, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 11u);
  EXPECT_EQ(state.load(), 4096000u);
}

// Behind an exhausted millisecond, the wait is until the millisecond after it.
TEST(ClockPolicyTest, BackBehindExhaustedMillisecondWaitsForTheNextOne) {
  const Generator g = make_generator(kMinimal);
  State state{0};
  ASSERT_EQ(g.reserve(state, kEpoch + 1000, 1024).count, 1024u);
  const Step wait = g.reserve(state, kEpoch + 995, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1001);
  EXPECT_EQ(wait.behind_ms, 5u);
}

// With tolerance 0 any clock behind the last ID fails, but exhaustion still waits.
TEST(ClockPolicyTest, ZeroToleranceRefusesAnyBackwardStep) {
  ClockPolicy strict;
  strict.tolerance_ms = 0;
  const Generator g = make_generator(kMinimal, 0, 0, strict);
  State state{0};
  g.reserve(state, kEpoch + 1000, 1024);
  EXPECT_EQ(g.reserve(state, kEpoch + 1000, 1).kind, Step::Kind::kWait);
  const Step step = g.reserve(state, kEpoch + 999, 1);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 1u);
}

// A larger tolerance waits out a larger backward step.
TEST(ClockPolicyTest, CustomToleranceWaitsLonger) {
  ClockPolicy lenient;
  lenient.tolerance_ms = 1000;
  const Generator g = make_generator(kTwitter, 0, 0, lenient);
  State state{0};
  g.reserve(state, kEpoch + 5000, 1);
  EXPECT_EQ(g.reserve(state, kEpoch + 4000, 1).kind, Step::Kind::kWait);
  EXPECT_EQ(g.reserve(state, kEpoch + 3999, 1).error, Error::kClockMovedBackwards);
}

// Logical clock: a used-up sequence carries into the next millisecond without waiting.
TEST(ClockPolicyTest, LogicalClockCarriesIntoNextMillisecond) {
  const Generator g = make_generator(kMinimal, 0, 0, logical_clock());
  State state{0};
  ASSERT_EQ(g.reserve(state, kEpoch + 1000, 1024).count, 1024u);
  const Step step = g.reserve(state, kEpoch + 1000, 5000);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.first, 1025024u);  // 1001 * 1024: ms 1001, sequence 0
  EXPECT_EQ(step.count, 1024u);     // all of ms 1001, still one millisecond per step
}

// Logical clock on a stalled clock: 101 ms are issued (lead 0..100), then it waits for
// the clock rather than failing, since the clock never went backwards.
TEST(ClockPolicyTest, LogicalClockLeadIsCappedThenWaits) {
  const Generator g = make_generator(kMinimal, 0, 0, logical_clock());
  State state{0};
  for (std::uint64_t ms = 1000; ms <= 1100; ++ms) {
    const Step step = g.reserve(state, kEpoch + 1000, 1024);
    ASSERT_EQ(step.kind, Step::Kind::kIssued) << "ms " << ms;
    ASSERT_EQ(step.first, ms * 1024);
  }
  const Step wait = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1001);  // ms 1101 is within the lead once the clock reads 1001
  EXPECT_EQ(wait.behind_ms, 100u);

  const Step next = g.reserve(state, kEpoch + 1001, 1);
  ASSERT_EQ(next.kind, Step::Kind::kIssued);
  EXPECT_EQ(next.first, 1127424u);  // 1101 * 1024
}

// Logical clock: a backward step within the lead keeps issuing increasing IDs until the
// lead is used up, then waits for the clock.
TEST(ClockPolicyTest, LogicalClockAbsorbsBackwardStepWithinLead) {
  const Generator g = make_generator(kMinimal, 0, 0, logical_clock());
  State state{0};
  std::int64_t last = g.id_at(g.reserve(state, kEpoch + 5000, 1).first);
  std::uint64_t issued = 0;
  Step step;
  while ((step = g.reserve(state, kEpoch + 4950, 1024)).kind == Step::Kind::kIssued) {
    for (std::uint64_t k = 0; k < step.count; ++k) {
      const std::int64_t id = g.id_at(step.first + k);
      ASSERT_GT(id, last);
      last = id;
    }
    issued += step.count;
  }
  // The rest of ms 5000 (1023) and all of ms 5001..5050 (50 * 1024): lead 4950 + 100.
  EXPECT_EQ(issued, 1023u + 51200u);
  EXPECT_EQ(last, 5051 * 1024 - 1);
  ASSERT_EQ(step.kind, Step::Kind::kWait);
  EXPECT_EQ(step.until_ms, kEpoch + 4951);
}

// Logical clock: a clock back by one hour is far past the 100 ms lead: refused at once.
TEST(ClockPolicyTest, LogicalClockBackOneHourFails) {
  const Generator g = make_generator(kMinimal, 0, 0, logical_clock());
  State state{0};
  g.reserve(state, kEpoch + 10000000, 1);
  const Step step = g.reserve(state, kEpoch + 10000000 - 3600000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 3600000u);
  EXPECT_EQ(state.load(), 10000000ULL * 1024);  // nothing reserved
}

// Logical clock: a backward step of lead + tolerance (110 ms) is waited out; 111 fails.
TEST(ClockPolicyTest, LogicalClockToleranceCountsBeyondTheLead) {
  const Generator g = make_generator(kMinimal, 0, 0, logical_clock());
  State state{0};
  g.reserve(state, kEpoch + 5000, 1);
  const Step wait = g.reserve(state, kEpoch + 4890, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 4900);  // when ms 5000 is within 100 ms of the clock
  EXPECT_EQ(wait.behind_ms, 110u);
  const Step step = g.reserve(state, kEpoch + 4889, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 111u);
}

}  // namespace
}  // namespace flakeid
