// The generator's clock policy on a fake clock: a clock behind the last ID is waited out
// up to the tolerance and refused beyond it; with a lead in force (the server's ClockLead)
// the generator runs ahead of the clock as a logical clock, by at most that lead.
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

// A fake clock that reads `unix_ms`.
auto at(std::int64_t unix_ms) {
  return [unix_ms] { return unix_ms; };
}

// One state (the lead's state 0) under a server's clock lead, on a fake clock.
struct Server {
  ClockLead lead;
  State state{0};

  // A server whose lead is `lead_ms`, put in force at Unix ms `now_ms`.
  explicit Server(std::int64_t lead_ms = 0, std::int64_t now_ms = kEpoch) {
    set_lead(lead_ms, now_ms);
  }

  // Puts `lead_ms` in force at Unix ms `now_ms`, as a reload of the policy does.
  void set_lead(std::int64_t lead_ms, std::int64_t now_ms) {
    lead.set(lead_ms, at(now_ms), 1, [this](std::uint32_t) { return state.load(); });
  }

  // How far ahead of the clock at `now_ms` a lead explains the state to be.
  std::int64_t explains(std::int64_t now_ms) const {
    return lead.explains(0, state.load(), now_ms);
  }

  // Reserves `want` IDs of `g` at `now_ms`, as much as the millisecond has left.
  Step reserve(const Generator& g, std::int64_t now_ms, std::uint64_t want) {
    return g.reserve(state, StateLead{&lead, 0}, now_ms, Request{want, Share::kAll});
  }
};

// The default policy is a 10 ms tolerance, and no lead is in force until one is set.
TEST(ClockPolicyTest, Defaults) {
  const ClockPolicy policy;
  EXPECT_EQ(policy.tolerance_ms, 10);
  const Server server;
  EXPECT_EQ(server.lead.in_force(), 0);
  EXPECT_EQ(server.explains(kEpoch), 0);
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
  const Generator g = make_generator(kMinimal);
  Server server(100);
  ASSERT_EQ(server.reserve(g, kEpoch + 1000, 1024).count, 1024u);
  const Step step = server.reserve(g, kEpoch + 1000, 5000);
  ASSERT_EQ(step.kind, Step::Kind::kIssued);
  EXPECT_EQ(step.first, 1025024u);  // 1001 * 1024: ms 1001, sequence 0
  EXPECT_EQ(step.count, 1024u);     // all of ms 1001, still one millisecond per step
  EXPECT_EQ(step.lead_ms, 100);     // issued ahead of the clock, under the lead
}

// Logical clock on a stalled clock: 101 ms are issued (lead 0..100), then it waits for
// the clock rather than failing, since the clock never went backwards.
TEST(ClockPolicyTest, LogicalClockLeadIsCappedThenWaits) {
  const Generator g = make_generator(kMinimal);
  Server server(100);
  for (std::uint64_t ms = 1000; ms <= 1100; ++ms) {
    const Step step = server.reserve(g, kEpoch + 1000, 1024);
    ASSERT_EQ(step.kind, Step::Kind::kIssued) << "ms " << ms;
    ASSERT_EQ(step.first, ms * 1024);
  }
  const Step wait = server.reserve(g, kEpoch + 1000, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 1001);  // ms 1101 is within the lead once the clock reads 1001
  EXPECT_EQ(wait.behind_ms, 100u);

  const Step next = server.reserve(g, kEpoch + 1001, 1);
  ASSERT_EQ(next.kind, Step::Kind::kIssued);
  EXPECT_EQ(next.first, 1127424u);  // 1101 * 1024
}

// Logical clock: a backward step within the lead keeps issuing increasing IDs until the
// lead is used up, then waits for the clock.
TEST(ClockPolicyTest, LogicalClockAbsorbsBackwardStepWithinLead) {
  const Generator g = make_generator(kMinimal);
  Server server(100);
  std::int64_t last = g.id_at(server.reserve(g, kEpoch + 5000, 1).first);
  std::uint64_t issued = 0;
  Step step;
  while ((step = server.reserve(g, kEpoch + 4950, 1024)).kind == Step::Kind::kIssued) {
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
  const Generator g = make_generator(kMinimal);
  Server server(100);
  server.reserve(g, kEpoch + 10000000, 1);
  const Step step = server.reserve(g, kEpoch + 10000000 - 3600000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 3600000u);
  EXPECT_EQ(step.lead_ms, 100);  // the lead in force explains at most 100 ms of it
  EXPECT_EQ(server.state.load(), 10000000ULL * 1024);  // nothing reserved
}

// Logical clock: a backward step of lead + tolerance (110 ms) is waited out; 111 fails.
TEST(ClockPolicyTest, LogicalClockToleranceCountsBeyondTheLead) {
  const Generator g = make_generator(kMinimal);
  Server server(100);
  server.reserve(g, kEpoch + 5000, 1);
  const Step wait = server.reserve(g, kEpoch + 4890, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 4900);  // when ms 5000 is within 100 ms of the clock
  EXPECT_EQ(wait.behind_ms, 110u);
  const Step step = server.reserve(g, kEpoch + 4889, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 111u);
}

// The lead is the server's, not the caller's: once it is back to 0 (the wait policy), IDs
// a lead of 1 s let run ahead are no clock fault. The clock stood still while they were
// made; it is 1000 ms behind them, and a wait of about a second is waited out.
TEST(ClockPolicyTest, EndedShortLeadIsWaitedOutNotAClockFault) {
  const Generator g = make_generator(kMinimal);
  Server server(1000, kEpoch + 5000);
  for (int ms = 0; ms <= 1000; ++ms) {
    ASSERT_EQ(server.reserve(g, kEpoch + 5000, 1024).kind, Step::Kind::kIssued);
  }
  EXPECT_EQ(server.state.load(), 6001u * 1024 - 1);  // the last ID is of ms 6000: 1000 ahead
  server.set_lead(0, kEpoch + 5000);
  EXPECT_EQ(server.lead.in_force(), 0);
  EXPECT_EQ(server.explains(kEpoch + 5000), 1000);  // its reach: ms 6000
  const Step wait = server.reserve(g, kEpoch + 5000, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 6001);  // the millisecond after the last ID
  EXPECT_EQ(wait.behind_ms, 1000u);
  EXPECT_EQ(wait.lead_ms, 1000);
  const Step next = server.reserve(g, kEpoch + 6001, 1);
  ASSERT_EQ(next.kind, Step::Kind::kIssued);
  EXPECT_EQ(next.first, 6001u * 1024);
}

// A long lead that has ended is refused with the lead as the cause (not FL001), saying
// when IDs resume: when the clock reaches the last ID.
TEST(ClockPolicyTest, EndedLongLeadIsRefusedWithTheLeadAsCause) {
  const Generator g = make_generator(kTwitter);
  Server server(10000, kEpoch + 1000);
  server.reserve(g, kEpoch + 1000, 1);
  g.advance(server.state, 6000u << 12);  // IDs ran 5 s ahead of a clock at ms 1000
  ASSERT_EQ(server.reserve(g, kEpoch + 1000, 1).lead_ms, 10000);
  server.set_lead(0, kEpoch + 1000);
  const Step step = server.reserve(g, kEpoch + 1000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kAheadByLead);
  EXPECT_EQ(step.behind_ms, 5000u);
  EXPECT_EQ(step.lead_ms, 10000);                     // the reach of the 10 s lead
  EXPECT_EQ(step.until_ms, kEpoch + 6000);            // the clock reaches the last ID's millisecond
  EXPECT_EQ(server.state.load(), (6000u << 12) + 1);  // nothing reserved

  // 4 s later, a second is left: that is waited out.
  const Step wait = server.reserve(g, kEpoch + 5000, 1);
  ASSERT_EQ(wait.kind, Step::Kind::kWait);
  EXPECT_EQ(wait.until_ms, kEpoch + 6000);
}

// A lead that shrinks keeps the reach of the larger one: with 2 s reduced to 0.5 s, IDs
// 2 s ahead are the lead's; going on needs the clock 1.5 s on, more than a short wait.
TEST(ClockPolicyTest, ShrunkLeadKeepsTheReachOfTheLargerOne) {
  const Generator g = make_generator(kMinimal);
  Server server(2000, kEpoch + 1000);
  g.advance(server.state, 3000u * 1024);
  server.set_lead(500, kEpoch + 1000);
  EXPECT_EQ(server.lead.in_force(), 500);
  EXPECT_EQ(server.explains(kEpoch + 1000), 2000);
  const Step step = server.reserve(g, kEpoch + 1000, 1);
  EXPECT_EQ(step.error, Error::kAheadByLead);
  EXPECT_EQ(step.until_ms, kEpoch + 2500);  // ms 3000 is within 500 ms of the clock then
  // At ms 1600 the wait is 900 ms: waited out.
  EXPECT_EQ(server.reserve(g, kEpoch + 1600, 1).kind, Step::Kind::kWait);
  // At ms 2500 the IDs go on, 500 ms ahead, under the smaller lead.
  EXPECT_EQ(server.reserve(g, kEpoch + 2500, 1).kind, Step::Kind::kIssued);
}

// A clock that steps back further than any lead reaches is FL001, and the step says how
// much a lead explains: an hour back after a 1 s lead ended is still a clock fault.
TEST(ClockPolicyTest, StepBackBeyondTheReachOfAnEndedLeadIsAClockFault) {
  const Generator g = make_generator(kMinimal);
  Server server(1000, kEpoch + 10000000);
  server.reserve(g, kEpoch + 10000000, 1);
  server.set_lead(0, kEpoch + 10000000);
  const Step step = server.reserve(g, kEpoch + 10000000 - 3600000, 1);
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 3600000u);
  EXPECT_EQ(step.lead_ms, 1000);  // the ended lead explains no more than itself
}

// Without any lead ever in force, a clock back by more than the tolerance is FL001 and no
// lead explains any of it.
TEST(ClockPolicyTest, ClockFaultWithoutLeadSaysSo) {
  const Generator g = make_generator(kTwitter);
  State state{0};
  g.reserve(state, kEpoch + 1000, 1);
  const Step step = g.reserve(state, kEpoch + 500, 1);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.lead_ms, 0);
}

// The reach of an ended lead fades as the clock moves on: 2 s after a 1 s lead ended, a
// clock back by 500 ms behind IDs made on the clock is a clock fault again.
TEST(ClockPolicyTest, ReachOfAnEndedLeadFadesWithTheClock) {
  const Generator g = make_generator(kMinimal);
  Server server(1000, kEpoch + 5000);
  server.set_lead(0, kEpoch + 5000);  // reach: ms 6000
  server.reserve(g, kEpoch + 7000, 1);
  const Step step = server.reserve(g, kEpoch + 6500, 1);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.lead_ms, 0);
}

// An ended lead explains only the IDs it may have made: once IDs of a state are made on
// the clock after it (and after the grace for callers that read the old lead), a step of
// the clock back behind them is a clock fault, even within the old lead's reach.
TEST(ClockPolicyTest, EndedLeadExplainsOnlyTheIdsItMade) {
  const Generator g = make_generator(kMinimal);
  Server server(7200000, kEpoch + 10000);
  ASSERT_EQ(server.reserve(g, kEpoch + 10000, 1).lead_ms, 0);  // on the clock
  server.set_lead(0, kEpoch + 10000);  // reach: 2 h on; this state's record: ms 10000
  EXPECT_EQ(server.explains(kEpoch + 10000), 7200000);
  EXPECT_EQ(server.explains(kEpoch + 12000), 7198000);  // its last ID is still the record's
  ASSERT_EQ(server.reserve(g, kEpoch + 12000, 1).kind, Step::Kind::kIssued);  // on the clock
  EXPECT_EQ(server.explains(kEpoch + 12000), 0);
  const Step step = server.reserve(g, kEpoch + 11500, 1);  // 0.5 s back, past the grace
  ASSERT_EQ(step.kind, Step::Kind::kFailed);
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.behind_ms, 500u);
  EXPECT_EQ(step.lead_ms, 0);
}

// Another state the ended lead never ran ahead: a step of the clock back behind it, after
// the grace, is a clock fault, though the lead's reach is far off.
TEST(ClockPolicyTest, EndedLeadExplainsNothingOfAnotherState) {
  const Generator g = make_generator(kMinimal);
  ClockLead lead;
  State ran_ahead{0};
  State other{0};
  const auto states = [&](std::uint32_t i) { return (i == 0 ? ran_ahead : other).load(); };
  lead.set(7200000, at(kEpoch + 10000), 2, states);
  g.reserve(ran_ahead, StateLead{&lead, 0}, kEpoch + 10000, Request{1, Share::kAll});
  lead.set(0, at(kEpoch + 10000), 2, states);
  g.reserve(other, StateLead{&lead, 1}, kEpoch + 12000, Request{1, Share::kAll});  // on the clock
  const Step step = g.reserve(other, StateLead{&lead, 1}, kEpoch + 11000, Request{1, Share::kAll});
  EXPECT_EQ(step.error, Error::kClockMovedBackwards);
  EXPECT_EQ(step.lead_ms, 0);
  // Within the grace after the lead ended, the same step is taken for the lead's.
  State young{0};
  lead.set(7200000, at(kEpoch + 20000), 2, states);
  lead.set(0, at(kEpoch + 20000), 2, states);
  g.reserve(young, StateLead{&lead, 1}, kEpoch + 20500, Request{1, Share::kAll});
  EXPECT_EQ(g.reserve(young, StateLead{&lead, 1}, kEpoch + 20200, Request{1, Share::kAll}).kind,
            Step::Kind::kWait);
}

// A caller that read the old lead, and reserved ahead of the clock, after the lead shrank
// and the server looked at its state, records its IDs itself (note_ahead): later callers
// take them for the lead's, even after the grace.
TEST(ClockPolicyTest, CallerThatRanAheadAfterTheChangeRecordsItsIds) {
  const Generator g = make_generator(kMinimal);
  Server server(5000, kEpoch + 1000);
  server.set_lead(0, kEpoch + 1000);
  server.lead.note_ahead(0, 4000u * 1024, 5000);  // what such a caller does after its CAS
  g.advance(server.state, 4000u * 1024);
  const Step step = server.reserve(g, kEpoch + 2500, 1);  // after the grace, 1.5 s behind
  EXPECT_EQ(step.error, Error::kAheadByLead);
  EXPECT_EQ(step.lead_ms, 3500);  // the reach, ms 6000, seen from ms 2500
  // A caller whose lead is still in force records nothing.
  server.set_lead(5000, kEpoch + 3000);
  server.lead.note_ahead(0, 9000u * 1024, 5000);
  server.set_lead(0, kEpoch + 3000);  // records the state: ms 4000
  g.advance(server.state, 9000u * 1024);
  EXPECT_EQ(server.reserve(g, kEpoch + 5000, 1).error, Error::kClockMovedBackwards);
}

// A caller's own tolerance still counts first: with an hour of it, IDs an ended lead left
// 30 minutes ahead are waited out, not refused.
TEST(ClockPolicyTest, LargeToleranceWaitsOutAnEndedLead) {
  ClockPolicy lenient;
  lenient.tolerance_ms = 3600000;
  const Generator g = make_generator(kTwitter, 0, 0, lenient);
  Server server(7200000, kEpoch + 1000);
  g.advance(server.state, (1000u + 1800000u) << 12);
  server.set_lead(0, kEpoch + 1000);
  EXPECT_EQ(server.reserve(g, kEpoch + 1000, 1).kind, Step::Kind::kWait);
}

// Setting the lead it already has writes nothing; a lead that grows leaves no reach.
TEST(ClockPolicyTest, SettingTheSameOrALargerLeadLeavesNoReach) {
  Server server(0);
  server.state.store(1);
  EXPECT_EQ(server.explains(kEpoch), 0);
  server.set_lead(1000, kEpoch);
  server.set_lead(1000, kEpoch + 50);
  server.set_lead(5000, kEpoch + 60);
  EXPECT_EQ(server.lead.in_force(), 5000);
  EXPECT_EQ(server.explains(kEpoch + 60), 5000);
  server.set_lead(0, kEpoch + 100);
  EXPECT_EQ(server.explains(kEpoch + 100), 5000);
  EXPECT_EQ(server.explains(kEpoch + 5100), 0);
  EXPECT_EQ(server.explains(kEpoch + 6100), 0);  // past its reach: nothing
}

}  // namespace
}  // namespace flakeid
