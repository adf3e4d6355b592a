// The core alone, without PostgreSQL: nanoseconds per ID from Generator::reserve on one
// shared State with the wall clock, in one thread and in two threads that contend for the
// state word as two backends do. Run by `make bench`; it reports and asserts nothing.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "core/clock.hpp"
#include "core/generator.hpp"
#include "core/layout.hpp"

namespace {

constexpr std::int64_t kDefaultEpochMs = 1577836800000;  // 2020-01-01T00:00:00Z

// One layout's generator and the state word every thread of its benchmarks shares, on a
// cache line of its own as in the server's state table.
struct Case {
  const char* layout;
  alignas(64) flakeid::State state{0};
};

Case high_throughput{"high_throughput"};
Case twitter{"twitter"};
Case minimal{"minimal"};

// Reserves `want` IDs per iteration on the wall clock, as the glue does; a used-up
// millisecond is waited out by spinning on the clock. Reports the IDs made per second
// (over all threads) and how often the clock was seen to move backwards, which, since
// reserve_with_clock() reads the clock after the state, should be never.
void reserve_ids(benchmark::State& st, Case* c, std::uint64_t want) {
  const flakeid::Layout layout = flakeid::parse_layout(c->layout).value;
  const flakeid::Generator generator =
      flakeid::Generator::create(layout, kDefaultEpochMs, 0, 0, flakeid::ClockPolicy{}).value;
  std::uint64_t ids = 0;
  std::uint64_t backwards = 0;
  for (auto _ : st) {
    std::uint64_t owed = want;
    while (owed > 0) {
      const flakeid::Step step =
          generator.reserve_with_clock(c->state, flakeid::wall_clock_ms, owed);
      if (step.kind == flakeid::Step::Kind::kIssued) {
        benchmark::DoNotOptimize(generator.id_at(step.first + step.count - 1));
        owed -= step.count;
        ids += step.count;
      } else if (step.kind == flakeid::Step::Kind::kFailed) {
        if (step.error != flakeid::Error::kClockMovedBackwards) {
          st.SkipWithError(flakeid::error_name(step.error));
          break;
        }
        ++backwards;
      }  // kWait: read the clock again until the next millisecond
    }
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(ids));
  st.counters["backwards"] = static_cast<double>(backwards);
}

// The floor: one reading of the wall clock, which every ID costs.
void BM_wall_clock_ms(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(flakeid::wall_clock_ms());
  st.SetItemsProcessed(st.iterations());
}

// flakeid_next(): one ID per reservation.
void BM_next(benchmark::State& st, Case* c) {
  reserve_ids(st, c, 1);
}

// flakeid_next_ids(1000): a block of IDs per reservation, as much as the millisecond has
// (Time is per 1000 IDs).
void BM_next_ids_1000(benchmark::State& st, Case* c) {
  reserve_ids(st, c, 1000);
}

}  // namespace

BENCHMARK(BM_wall_clock_ms);
BENCHMARK_CAPTURE(BM_next, high_throughput, &high_throughput)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_next, twitter, &twitter)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK_CAPTURE(BM_next_ids_1000, high_throughput, &high_throughput)->UseRealTime();
BENCHMARK_CAPTURE(BM_next_ids_1000, minimal, &minimal)->UseRealTime();

BENCHMARK_MAIN();
