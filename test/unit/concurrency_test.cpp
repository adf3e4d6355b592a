// Threads sharing one state word on the real wall clock: no ID is handed out twice, and
// each thread's IDs strictly increase.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/fair_share.hpp"
#include "core/generator.hpp"
#include "unit_support.hpp"

namespace flakeid {
namespace {

using test::make_generator;

constexpr int kThreads = 4;
constexpr std::size_t kIdsPerThread = 50000;  // 200 000 in all

// What one thread got: its IDs in the order it got them, and the first failure if any.
struct ThreadResult {
  std::vector<std::int64_t> ids;
  Error error = Error::kOk;
};

// Takes `count` IDs from the shared state, `want` at a time, retrying on kWait. `fair`:
// as a bulk caller that shares each millisecond with the other threads (FairShare).
// `lead`: the lead in force; `before_each(taken)` runs before each request.
void take_ids(const Generator& g, State& state, std::size_t count, std::uint64_t want, bool fair,
              ThreadResult* out, StateLead lead = StateLead{},
              const std::function<void(std::size_t)>& before_each = {}) {
  FairShare seen;
  out->ids.reserve(count);
  while (out->ids.size() < count) {
    if (before_each) before_each(out->ids.size());
    const std::uint64_t left = count - out->ids.size();
    std::int64_t now_ms = 0;
    const Step step = g.reserve_with_clock(
        state, lead, [&now_ms] { return now_ms = wall_clock_ms(); },
        Request{std::min(want, left), fair ? seen.share() : Share::kAll});
    if (step.kind == Step::Kind::kWait) {
      std::this_thread::yield();
      continue;
    }
    if (step.kind == Step::Kind::kFailed) {
      out->error = step.error;
      return;
    }
    seen.note(step, now_ms);
    for (std::uint64_t k = 0; k < step.count; ++k) out->ids.push_back(g.id_at(step.first + k));
  }
}

// Checks that no ID repeats across the threads' results and each thread's IDs increase.
void expect_unique_and_ordered_results(const std::vector<ThreadResult>& results,
                                       std::size_t per_thread) {
  std::vector<std::int64_t> all;
  for (const ThreadResult& r : results) {
    ASSERT_EQ(r.error, Error::kOk);
    ASSERT_EQ(r.ids.size(), per_thread);
    for (std::size_t i = 1; i < r.ids.size(); ++i) ASSERT_LT(r.ids[i - 1], r.ids[i]);
    all.insert(all.end(), r.ids.begin(), r.ids.end());
  }
  ASSERT_EQ(all.size(), results.size() * per_thread);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end()) << "a duplicate ID";
}

// Runs kThreads threads taking `per_thread` IDs each from one state, and checks
// uniqueness and per-thread order.
void expect_unique_and_ordered(const Layout& layout, std::uint64_t datacenter,
                               std::uint64_t machine, std::uint64_t want,
                               std::size_t per_thread = kIdsPerThread, ClockPolicy policy = {}) {
  const Generator g = make_generator(layout, datacenter, machine, policy);
  State state{0};
  std::vector<ThreadResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    ThreadResult* out = &results[static_cast<std::size_t>(t)];
    threads.emplace_back([&, out] { take_ids(g, state, per_thread, want, false, out); });
  }
  for (std::thread& thread : threads) thread.join();
  expect_unique_and_ordered_results(results, per_thread);
}

// twitter (12 sequence bits), one ID per call: 200 000 unique IDs.
TEST(ConcurrencyTest, TwitterSingleIds) {
  expect_unique_and_ordered(Layout{41, 5, 5, 12}, 3, 17, 1);
}

// minimal (10 sequence bits, so many waits), one ID per call: 200 000 unique IDs.
TEST(ConcurrencyTest, MinimalSingleIds) {
  expect_unique_and_ordered(Layout{53, 0, 0, 10}, 0, 0, 1);
}

// minimal with bulk reservations of up to 100: 200 000 unique IDs.
TEST(ConcurrencyTest, MinimalBulkReservations) {
  expect_unique_and_ordered(Layout{53, 0, 0, 10}, 0, 0, 100);
}

// large_cluster (6 sequence bits: 64 IDs per ms, so most calls race for a new ms) with
// reservations of up to 16: 40 000 IDs, which take at least 625 ms of clock.
TEST(ConcurrencyTest, LargeClusterBulkReservations) {
  expect_unique_and_ordered(Layout{41, 8, 8, 6}, 200, 100, 16, 10000);
}

// With no tolerance at all, four threads on two cores are often descheduled between
// taking the state and reading the clock. reserve_with_clock() reads the clock after the
// state, so none of them takes IDs others made meanwhile for the clock going back (a
// clock read before the state failed this test with kClockMovedBackwards).
TEST(ConcurrencyTest, NoFalseClockStepBackWithZeroTolerance) {
  ClockPolicy strict;
  strict.tolerance_ms = 0;
  expect_unique_and_ordered(Layout{41, 3, 3, 16}, 1, 2, 1, kIdsPerThread, strict);
}

// Two bulk callers sharing each millisecond fairly beside two single callers, on minimal
// (many waits): 200 000 unique IDs, each thread's increasing.
TEST(ConcurrencyTest, FairBulkBesideSingleIds) {
  const Generator g = make_generator(Layout{53, 0, 0, 10});
  State state{0};
  std::vector<ThreadResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    const bool bulk = t % 2 == 0;
    ThreadResult* out = &results[static_cast<std::size_t>(t)];
    threads.emplace_back(
        [&, bulk, out] { take_ids(g, state, kIdsPerThread, bulk ? 5000 : 1, bulk, out); });
  }
  for (std::thread& thread : threads) thread.join();
  expect_unique_and_ordered_results(results, kIdsPerThread);
}

// Four threads under a lead of 200 ms (the logical policy), bulk and single by turns, on
// minimal; halfway through its IDs one thread takes the lead away (a reload to the wait
// policy). IDs already up to 200 ms ahead are the lead's, not a clock fault: every thread
// waits for the clock, none fails, even with no tolerance at all. 200 000 unique IDs.
TEST(ConcurrencyTest, LeadEndingMidRunIsNoClockFault) {
  ClockPolicy strict;
  strict.tolerance_ms = 0;
  const Generator g = make_generator(Layout{53, 0, 0, 10}, 0, 0, strict);
  State state{0};
  ClockLead lead;
  const auto state_at = [&state](std::uint32_t) { return state.load(); };
  lead.set(200, wall_clock_ms, 1, state_at);
  const auto end_lead_halfway = [&](std::size_t taken) {
    if (taken >= kIdsPerThread / 2) lead.set(0, wall_clock_ms, 1, state_at);
  };
  std::vector<ThreadResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    const bool bulk = t % 2 == 0;
    ThreadResult* out = &results[static_cast<std::size_t>(t)];
    threads.emplace_back([&, bulk, out, t] {
      take_ids(g, state, kIdsPerThread, bulk ? 3000 : 1, bulk, out, StateLead{&lead, 0},
               t == 0 ? std::function<void(std::size_t)>(end_lead_halfway) : nullptr);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(lead.in_force(), 0);
  expect_unique_and_ordered_results(results, kIdsPerThread);
}

}  // namespace
}  // namespace flakeid
