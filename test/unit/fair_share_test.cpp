// Fair shares of a millisecond on a fake clock: a bulk request takes half of what a
// millisecond has left at a time, and while others take IDs too it leaves them the last
// quarter of each millisecond the clock allows; alone it still takes every ID. FairShare
// sees the others from its own reservations.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "core/fair_share.hpp"
#include "core/generator.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::kEpoch;
using test::kMinimal;
using test::kTwitter;
using test::make_generator;

// One reservation of `want` IDs asking for `share`, without a lead.
Step take(const Generator& g, State& state, std::int64_t now_ms, std::uint64_t want, Share share) {
  return g.reserve(state, StateLead{}, now_ms, Request{want, share});
}

// A bulk request takes half of what the millisecond has left, then half of the rest: a
// fresh twitter millisecond in 13 steps (2048, 1024, ..., 1, 1), every ID of it in the end.
TEST(FairShareTest, HalfTakesHalfOfWhatIsLeft) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  std::uint64_t expected_first = 1000u << 12;
  std::uint64_t taken = 0;
  int steps = 0;
  while (true) {
    const Step step = take(g, state, kEpoch + 1000, 100000, Share::kHalf);
    if (step.kind == Step::Kind::kWait) {
      EXPECT_EQ(step.until_ms, kEpoch + 1001);
      break;
    }
    ASSERT_EQ(step.kind, Step::Kind::kIssued);
    const std::uint64_t left = 4096 - taken;
    EXPECT_EQ(step.first, expected_first);
    EXPECT_EQ(step.count, left - left / 2) << "step " << steps;
    expected_first += step.count;
    taken += step.count;
    ++steps;
  }
  EXPECT_EQ(taken, 4096u);
  EXPECT_EQ(steps, 13);
}

// A request for fewer than half is served whole.
TEST(FairShareTest, SmallBulkRequestIsServedWhole) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  EXPECT_EQ(take(g, state, kEpoch + 1000, 10, Share::kHalf).count, 10u);
  EXPECT_EQ(take(g, state, kEpoch + 1000, 1000, Share::kShared).count, 1000u);
}

// Shared: the bulk request stops when a quarter of the millisecond is left and waits for
// the next one; a single ID then still comes from that millisecond.
TEST(FairShareTest, SharedLeavesTheLastQuarterOfTheMillisecond) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  std::uint64_t taken = 0;
  Step step;
  while ((step = take(g, state, kEpoch + 1000, 100000, Share::kShared)).kind ==
         Step::Kind::kIssued) {
    taken += step.count;
  }
  EXPECT_EQ(taken, 3072u);
  ASSERT_EQ(step.kind, Step::Kind::kWait);
  EXPECT_EQ(step.until_ms, kEpoch + 1001);
  EXPECT_EQ(step.behind_ms, 0u);  // a wait for the next millisecond, not for the clock

  const Step single = g.reserve(state, kEpoch + 1000, 1);
  ASSERT_EQ(single.kind, Step::Kind::kIssued);
  EXPECT_EQ(single.first, (1000u << 12) + 3072);  // the same millisecond
  // The next millisecond: the bulk request goes on there.
  EXPECT_EQ(take(g, state, kEpoch + 1001, 100000, Share::kShared).first, 1001u << 12);
}

// Alone (Share::kAll) a request takes the whole millisecond in one step, as before.
TEST(FairShareTest, AllTakesTheWholeMillisecond) {
  const Generator g = make_generator(kMinimal);
  State state{0};
  EXPECT_EQ(take(g, state, kEpoch + 1000, 5000, Share::kAll).count, 1024u);
}

// Layouts with one or two IDs a millisecond leave no quarter: the bulk request still gets
// its ID, or nothing would ever move it on. With four, one is left.
TEST(FairShareTest, TinySequencesStillServeTheBulkRequest) {
  const Generator none = make_generator(Layout{63, 0, 0, 0});
  State state{0};
  EXPECT_EQ(take(none, state, kEpoch + 5, 100, Share::kShared).count, 1u);
  const Generator two = make_generator(Layout{62, 0, 0, 1});
  State state2{0};
  EXPECT_EQ(take(two, state2, kEpoch + 5, 100, Share::kShared).count, 1u);
  EXPECT_EQ(take(two, state2, kEpoch + 5, 100, Share::kShared).count, 1u);
  const Generator four = make_generator(Layout{61, 0, 0, 2});
  State state4{0};
  EXPECT_EQ(take(four, state4, kEpoch + 5, 100, Share::kShared).count, 2u);
  EXPECT_EQ(take(four, state4, kEpoch + 5, 100, Share::kShared).count, 1u);
  EXPECT_EQ(take(four, state4, kEpoch + 5, 100, Share::kShared).kind, Step::Kind::kWait);
  EXPECT_EQ(four.reserve(state4, kEpoch + 5, 1).kind, Step::Kind::kIssued);
}

// Under a lead, a millisecond below the furthest one the lead allows is not scarce: the
// bulk request leaves no quarter there (it would be lost: the state moves past it), only
// at the furthest one.
TEST(FairShareTest, SharedKeepsTheQuarterOnlyAtTheFurthestMillisecondALeadAllows) {
  const Generator g = make_generator(kMinimal);
  ClockLead lead;
  State state{0};
  lead.set(
      2, [] { return kEpoch; }, 1, [&state](std::uint32_t) { return state.load(); });
  std::uint64_t taken = 0;
  Step step;
  while (
      (step = g.reserve(state, StateLead{&lead, 0}, kEpoch + 1000, Request{100000, Share::kShared}))
          .kind == Step::Kind::kIssued) {
    taken += step.count;
  }
  // ms 1000 and 1001 whole, ms 1002 (the furthest, 2 ahead) but its last quarter.
  EXPECT_EQ(taken, 1024u + 1024u + 768u);
  ASSERT_EQ(step.kind, Step::Kind::kWait);
  EXPECT_EQ(step.until_ms, kEpoch + 1001);
}

// FairShare sees others when the state has moved past its own last IDs, asks for a shared
// millisecond for kWindowMs after it saw them last, and half a millisecond otherwise.
TEST(FairShareTest, SeesOthersFromTheStateMovingBetweenItsReservations) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  FairShare fair;
  EXPECT_EQ(fair.share(), Share::kHalf);
  fair.note(take(g, state, kEpoch + 1000, 100000, fair.share()), kEpoch + 1000);
  fair.note(take(g, state, kEpoch + 1000, 100000, fair.share()), kEpoch + 1000);
  EXPECT_EQ(fair.share(), Share::kHalf);  // its own IDs follow on: nobody else

  g.reserve(state, kEpoch + 1000, 1);  // someone else
  fair.note(take(g, state, kEpoch + 1000, 100000, fair.share()), kEpoch + 1000);
  EXPECT_EQ(fair.share(), Share::kShared);

  // Nobody else for 10 ms: back to half a millisecond at a time.
  for (std::int64_t ms = 1001; ms <= 1010; ++ms) {
    fair.note(take(g, state, kEpoch + ms, 100000, fair.share()), kEpoch + ms);
  }
  EXPECT_EQ(fair.share(), Share::kHalf);
  // A step that was not issued tells nothing.
  Step wait;
  wait.kind = Step::Kind::kWait;
  fair.note(wait, kEpoch + 1010);
  EXPECT_EQ(fair.share(), Share::kHalf);
}

// A bulk caller faster than the layout's ceiling and a single caller that asks at a random
// moment of each millisecond, on a fake clock: once the bulk caller has seen the single one,
// every single ID comes from the millisecond it was asked in. Without FairShare (the bulk
// caller taking all a millisecond has left) the single caller gets none of them there.
TEST(FairShareTest, SingleCallerGetsItsIdInTheSameMillisecond) {
  for (const bool fair_shares : {true, false}) {
    const Generator g = make_generator(kMinimal);
    State state{0};
    FairShare fair;
    std::mt19937 random(11);
    int same_ms = 0;
    constexpr int kMs = 1000;
    for (int ms = 0; ms < kMs; ++ms) {
      const std::int64_t now = kEpoch + 1000 + ms;
      // The bulk caller makes up to 20 reservations in the millisecond (it hands out IDs
      // faster than the ceiling); the single caller asks after a random number of them.
      const int single_at = static_cast<int>(random() % 20);
      for (int r = 0; r < 20; ++r) {
        if (r == single_at) {
          const Step single = g.reserve(state, now, 1);
          if (single.kind == Step::Kind::kIssued && g.unix_ms_at(single.first) == now) {
            ++same_ms;
          }
        }
        const Share share = fair_shares ? fair.share() : Share::kAll;
        const Step bulk = take(g, state, now, 1000000, share);
        if (bulk.kind != Step::Kind::kIssued) continue;
        fair.note(bulk, now);
      }
    }
    if (fair_shares) {
      EXPECT_GE(same_ms, kMs - 5) << "single IDs in the millisecond they were asked in";
    } else {
      EXPECT_LE(same_ms, kMs / 10) << "without fair shares, the bulk caller takes them";
    }
  }
}

// Alone, a bulk caller with FairShare takes every ID of every millisecond: the ceiling.
TEST(FairShareTest, AloneTheBulkCallerTakesEveryId) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  FairShare fair;
  std::uint64_t taken = 0;
  for (std::int64_t ms = 1000; ms < 1100; ++ms) {
    Step step;
    while ((step = take(g, state, kEpoch + ms, 1000000, fair.share())).kind ==
           Step::Kind::kIssued) {
      fair.note(step, kEpoch + ms);
      taken += step.count;
    }
  }
  EXPECT_EQ(taken, 100u * 4096);
  EXPECT_EQ(fair.share(), Share::kHalf);
}

}  // namespace
}  // namespace flakeid
